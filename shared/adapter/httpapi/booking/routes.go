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
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// Handlers are the booking function's handlers, by route: the directory,
// free slots, bookings with their files, the visit journal and the staff's
// routes.
func Handlers(d Deps) httpapi.Handlers {
	return httpapi.Handlers{
		"GET /institutions":                   handleSearchInstitutions(d),
		"GET /institutions/{id}":              handleGetInstitution(d),
		"GET /institutions/{id}/specialists":  handleInstitutionSpecialists(d),
		"GET /specialists/{id}":               handleGetSpecialist(d),
		"GET /specialists/{id}/slots":         handleSlots(d),
		"PUT /specialists/{id}/schedule":      handleSetSchedule(d),
		"GET /specialists/{id}/bookings":      handleSpecialistBookings(d),
		"POST /bookings":                      handleBook(d),
		"GET /bookings":                       handleJournal(d),
		"GET /bookings/export.csv":            handleJournalCSV(d),
		"GET /bookings/{id}":                  handleGetBooking(d),
		"GET /bookings/{id}/qr.png":           handleBookingFile(d, "qr"),
		"GET /bookings/{id}/confirmation.pdf": handleBookingFile(d, "pdf"),
		"GET /bookings/{id}/calendar.ics":     handleBookingFile(d, "ics"),
		"POST /bookings/{id}/reschedule":      handleReschedule(d),
		"POST /bookings/{id}/cancel":          handleCancel(d),
		"POST /bookings/{id}/visit":           handleVisit(d),
	}
}
