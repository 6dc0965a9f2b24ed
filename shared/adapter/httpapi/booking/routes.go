// Package booking is the booking function's HTTP handlers for the
// electronic registry: the directory of institutions and specialists, free
// slots, bookings with their QR code, PDF and calendar file, the visit
// journal, and the staff's schedules, day lists and visits. Files by use
// case: directory.go, slots.go, bookings.go, files.go, journal.go, staff.go.
// Routes are functions.All's; Handlers maps each to its handler. (Inside
// this package, booking names the domain package
// shared/domain/booking.)
package booking

import (
	"github.com/kabinet/kabinet/shared/domain/ticket"
	"net/http"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// Handlers are the booking function's handlers, by route: the directory,
// free slots, bookings with their files, the visit journal and the staff's
// routes.
//
// The routes whose answer is text for the caller to read (a booking with
// its checklist, the PDF, the calendar file, the journal and its CSV) are
// in the caller's language: the request's, else the profile's, read
// alongside the route's own first reads (httpapi.WithReaderLanguage).
func Handlers(d Deps) httpapi.Handlers {
	lang := func(h http.Handler) http.Handler { return httpapi.WithReaderLanguage(d.Profiles, h) }
	return httpapi.Handlers{
		"GET /institutions":                   handleSearchInstitutions(d),
		"GET /institutions/{id}":              handleGetInstitution(d),
		"GET /institutions/{id}/specialists":  handleInstitutionSpecialists(d),
		"GET /specialists/{id}":               handleGetSpecialist(d),
		"GET /specialists/{id}/slots":         handleSlots(d),
		"PUT /specialists/{id}/schedule":      handleSetSchedule(d),
		"GET /specialists/{id}/bookings":      lang(handleSpecialistBookings(d)),
		"POST /bookings":                      lang(handleBook(d)),
		"GET /bookings":                       lang(handleJournal(d)),
		"GET /bookings/export.csv":            lang(handleJournalCSV(d)),
		"GET /bookings/{id}":                  lang(handleGetBooking(d)),
		"GET /bookings/{id}/qr.png":           handleBookingFile(d, "qr"),
		"GET /bookings/{id}/confirmation.pdf": lang(handleBookingFile(d, "pdf")),
		"GET /bookings/{id}/calendar.ics":     lang(handleBookingFile(d, "ics")),
		// a closed visit's act and e-prescriptions, signed PDFs
		"GET /bookings/{id}/act.pdf":                            lang(handleVisitPDF(d, ticket.KindAct)),
		"GET /bookings/{id}/prescriptions/{n}/prescription.pdf": lang(handleVisitPDF(d, ticket.KindPrescription)),
		"POST /bookings/{id}/reschedule":                        lang(handleReschedule(d)),
		"POST /bookings/{id}/cancel":                            lang(handleCancel(d)),
		"POST /bookings/{id}/visit":                             lang(handleVisit(d)),
		"POST /bookings/{id}/rebook":                            lang(handleRebook(d)),
		"POST /specialists/{id}/absences":                       handleDeclareAbsence(d),
		"POST /waitlist":                                        handleJoinWaitlist(d),
		"GET /waitlist":                                         handleWaitlist(d),
		"DELETE /waitlist/{id}":                                 handleLeaveWaitlist(d),
		"POST /waitlist/{id}/accept":                            lang(handleAcceptOffer(d)),
		"POST /waitlist/{id}/decline":                           handleDeclineOffer(d),
		"GET /institutions/{id}/stats":                          handleInstitutionStats(d.Stats),
	}
}
