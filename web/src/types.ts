// The API's schemas as the app uses them: names for the types generated from
// shared/adapter/httpapi/openapi.yaml (src/api-types.ts, `npm run gen:api`),
// so that a change to the API shows up here as a type error rather than as
// a screen that quietly reads a field that is gone.
import type { components, operations } from './api-types';

type S = components['schemas'];

/** Text by language ({ru, en}). */
export type Localized = S['DocumentType']['title'];

export type DocStatus = S['Document']['status'];
export type DocumentType = S['DocumentType'];
export type DocumentTypeList = S['DocumentTypeList'];
export type Document = S['Document'];
export type DocumentList = S['DocumentList'];
export type DocumentCreate = S['DocumentCreate'];
export type DocumentPatch = S['DocumentPatch'];
export type HistoryEntry = S['HistoryEntry'];
export type HistoryList = S['HistoryList'];

export type Notification = S['Notification'];
export type NotificationList = S['NotificationList'];

export type Institution = S['Institution'];
export type InstitutionList = S['InstitutionList'];
export type Specialist = S['Specialist'];
export type SpecialistList = S['SpecialistList'];
export type Slot = S['Slot'];
export type SlotList = S['SlotList'];
export type BookingInput = S['BookingInput'];
export type BookingEvent = S['BookingEvent'];
export type Booking = S['Booking'];
export type BookingList = S['BookingList'];
export type VisitInput = S['VisitInput'];
export type OfferedSlot = S['OfferedSlot'];
export type WaitInput = S['WaitInput'];
export type WaitEntry = S['WaitEntry'];
export type WaitList = S['WaitList'];

type BookingQuery = NonNullable<operations['journal']['parameters']['query']>;
/** The journal's filter as the form holds it ('' = any), sent as GET /bookings's query. */
export interface JournalFilter {
  status?: '' | NonNullable<BookingQuery['status']>;
  from?: string;
  to?: string;
  institution?: string;
  /** `self` or a dependent's id. */
  patient?: string;
}

export type Person = S['Person'];
export type PersonList = S['PersonList'];
export type PersonInput = S['PersonInput'];
export type HandoverCode = S['HandoverCode'];
export type HandoverRedeemed = S['HandoverRedeemed'];

export type Channels = S['Channels'];
export type Contact = S['Contact'];
export type Profile = S['Profile'];
export type ProfileInput = S['ProfileInput'];

export type ServiceOption = S['ServiceOption'];
export type ServiceField = S['ServiceField'];
export type Service = S['Service'];
export type ServiceList = S['ServiceList'];

export type ProblemField = S['ProblemField'];
export type ValidationResult = S['ValidationResult'];

export type AppStatus = S['Application']['status'];
export type TimelineEntry = S['TimelineEntry'];
export type Application = S['Application'];
export type ApplicationList = S['ApplicationList'];

export type FileDeclare = S['FileDeclare'];
export type FileUpload = S['FileUpload'];
export type DocFile = S['File'];
export type FileStatus = S['File']['status'];
export type FileList = S['FileList'];
export type SignatureVerification = S['SignatureVerification'];
export type SignatureResult = S['SignatureVerification']['result'];
export type ShareInput = S['ShareInput'];
export type Share = S['Share'];
export type ShareList = S['ShareList'];
export type SharedDocumentList = S['SharedDocumentList'];
export type SharedDocument = S['SharedDocumentList']['items'][number];

// ---- the managers' dashboards (issue #21) ----
/** Whole days from a histogram; null when there is no sample. */
export type Percentiles = S['Percentiles'];
/** GET /agency/stats. */
export type AgencyStats = S['AgencyStats'];
/** GET /institutions/{id}/stats. */
export type InstitutionStats = S['InstitutionStats'];
/** GET /organizations/{orgId}/stats. */
export type OrgStats = S['OrgStats'];
