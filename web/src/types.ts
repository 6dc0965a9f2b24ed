// The API's schemas (shared/adapter/httpapi/openapi.yaml), as the app uses them.

export type Localized = Record<string, string>;

export type DocStatus = 'valid' | 'expiring' | 'expired' | 'replacement_required' | 'revoked' | 'archived';

export interface DocumentType {
  type: string;
  title: Localized;
  rule?: string;
  expiringDays: number;
  reminderSteps: number[];
  replacementGraceDays?: number;
  needsTitle?: boolean;
  /** The service POST /documents/{id}/renew drafts an application for; absent: not renewable here. */
  renewalService?: string;
}
export interface DocumentTypeList { items: DocumentType[] }

export interface Document {
  id: string;
  type: string;
  title?: string;
  number?: string;
  issuedOn: string | null;
  expiresOn: string | null;
  expiresOnSource: 'user' | 'rule' | 'agency';
  status: DocStatus;
  daysLeft: number | null;
  remindDays: number[];
  source: string;
  archivedAt?: string;
  issuer?: string;
  revokedAt?: string;
  revokedReason?: string;
  replacedBy?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  renewalApplicationId?: string;
}
export interface DocumentList { items: Document[]; nextCursor?: string }

export interface HistoryEntry {
  id: string;
  action: string;
  fields?: string[];
  replacedBy?: string;
  actor: string;
  at: string;
}
export interface HistoryList { items: HistoryEntry[]; nextCursor?: string }

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  documentId?: string;
  documentType?: string;
  daysLeft?: number;
  createdAt: string;
  readAt: string | null;
  unread: boolean;
}
export interface NotificationList { items: Notification[]; nextCursor?: string }

export interface Institution {
  id: string;
  name: string;
  type: string;
  inn: string;
  address: string;
  city: string;
  phone: string;
  timeZone: string;
  location: { lat: number; lon: number };
  openingHours: { weekday: string; open: string; close: string }[];
  licence: { number?: string; status?: string; validUntil: string | null };
  cancelDeadlineMinutes: number;
  distanceKm?: number;
}
export interface InstitutionList { items: Institution[]; nextCursor?: string }

export interface Specialist {
  id: string;
  institutionId: string;
  name: string;
  specialization: string;
  rating: number;
  reviews: number;
  certificates: string[] | null;
  price: number;
  modes: ('in_person' | 'video')[] | null;
}
export interface SpecialistList { items: Specialist[] }

export interface Slot { id: string; start: string; end: string; durationMinutes: number }
export interface SlotList { timeZone: string; items: Slot[] }

export interface BookingInput { slotId: string; mode: 'in_person' | 'video'; contactPhone?: string }

export interface BookingEvent {
  action: 'booked' | 'rescheduled' | 'cancelled' | 'visit';
  actor: string;
  at: string;
  reason?: string;
  from?: string;
  to?: string;
}

export interface Booking {
  id: string;
  confirmationNumber: string;
  status: 'confirmed' | 'cancelled' | 'completed' | 'no_show';
  start: string;
  end: string;
  date: string;
  timeZone: string;
  institution: { id: string; name: string; address: string };
  specialist: { id: string; name: string; specialization: string };
  mode: 'in_person' | 'video';
  videoLink?: string;
  contactPhone?: string;
  checklist: string[];
  cancelDeadline: string;
  staffComment?: string;
  history: BookingEvent[];
  links: { qr: string; pdf: string; ics: string };
}
export interface BookingList { items: Booking[]; nextCursor?: string }

export interface JournalFilter {
  status?: '' | 'upcoming' | 'past' | 'cancelled';
  from?: string;
  to?: string;
  institution?: string;
}

export interface Channels { sms: boolean; email: boolean; push: boolean }
export interface Contact { channel: string; address: string; subscription: 'confirmed' | 'pending' | 'none' }
export interface Profile {
  name?: string;
  birthDate: string | null;
  timeZone: string;
  language: 'ru' | 'en';
  email?: string;
  phone?: string;
  channels: Channels;
  contacts: Contact[];
  version: number;
  updatedAt?: string;
}
export interface ProfileInput {
  name?: string;
  birthDate?: string;
  timeZone?: string;
  language?: 'ru' | 'en';
  email?: string;
  phone?: string;
  channels?: Channels;
}

export interface ServiceOption { value: string; label: Localized }
export interface ServiceField {
  name: string;
  label: Localized;
  type: string;
  required: boolean;
  format?: string;
  pattern?: string;
  checksum?: string;
  maxLength: number;
  options?: ServiceOption[];
  prefill?: string;
}
export interface Service {
  code: string;
  title: Localized;
  agency: string;
  decisionDays: number;
  fields: ServiceField[];
}
export interface ServiceList { items: Service[] }

export interface ProblemField { field: string; code: string; message: string }
export interface ValidationResult { valid: boolean; errors: ProblemField[] }

export type AppStatus = 'draft' | 'received' | 'processing' | 'needs_info' | 'approved' | 'rejected' | 'withdrawn';
export interface TimelineEntry { at: string; actor: string; role: string; from: string; to: string; comment?: string }
export interface Application {
  id: string;
  serviceCode: string;
  agency: string;
  status: AppStatus;
  fields: Record<string, string>;
  receiptNumber?: string;
  documentId?: string;
  submittedAt?: string;
  expectedDecisionDate: string | null;
  timeline: TimelineEntry[];
  createdAt: string;
  updatedAt: string;
  version: number;
}
export interface ApplicationList { items: Application[]; nextCursor?: string }
