package booking

import (
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/inbox"
)

func TestNoticeTexts(t *testing.T) {
	start := time.Date(2026, 12, 14, 7, 30, 0, 0, time.UTC) // 10:30 in Moscow
	b := Booking{ID: "b1", Owner: "anna", Start: start, End: start.Add(30 * time.Minute), TimeZone: "Europe/Moscow",
		Mode: InPerson, ConfirmationNumber: "KB-AAAA-BBBB", CancelDeadline: start.Add(-2 * time.Hour),
		Checklist: []string{BringPassport, BringOMSPolicy}}
	inst := directory.Institution{Name: "Городская поликлиника № 1", Address: "Семёновская пл., 3", City: "Москва"}
	spec := directory.Specialist{Name: "Смирнова Ольга Викторовна", Specialization: "Терапевт"}
	prev := b
	prev.Start = start.Add(-24 * time.Hour)
	video := b
	video.Mode, video.CancelDeadline = Video, start
	for _, tc := range []struct {
		name      string
		in        NoticeInput
		kind      string
		title     string
		want, not []string
	}{
		{"booked, in English", NoticeInput{Change: ChangeBooked, Booking: b, Inst: inst, Spec: spec, Language: "en"},
			inbox.KindBookingConfirmed, "Appointment booked",
			[]string{"You are booked for 14 December at 10:30 (Moscow).", "Booking number KB-AAAA-BBBB.", "Place: Городская поликлиника № 1, Семёновская пл., 3, Москва.",
				"Bring: Passport, OMS policy.", "You can cancel or move it until 14 December at 08:30 (Moscow)."}, nil},
		{"moved, in Russian: what changed", NoticeInput{Change: ChangeRescheduled, Booking: b, Previous: &prev, Inst: inst, Spec: spec, Language: "ru"},
			inbox.KindBookingRescheduled, "Запись перенесена",
			[]string{"было 13 декабря, в 10:30 (Москва), стало 14 декабря, в 10:30 (Москва)", "Взять с собой: Паспорт, Полис ОМС."}, nil},
		{"video until the start", NoticeInput{Change: ChangeBooked, Booking: video, Inst: inst, Spec: spec, Language: "ru"},
			inbox.KindBookingConfirmed, "Запись подтверждена",
			[]string{"Видеоприём", "до начала приёма"}, []string{"Семёновская"}},
		{"cancelled by the institution with offers", NoticeInput{Change: ChangeCancelled, Booking: b, Inst: inst, Spec: spec, Language: "en",
			ByInst: true, Reason: "The doctor is ill.", Offers: []Slot{{Start: start.Add(time.Hour)}}, OfferNames: []string{"Иванов И. И."}},
			inbox.KindBookingCancelled, "Appointment cancelled",
			[]string{"The institution cancelled your appointment on 14 December at 10:30 (Moscow). Reason: The doctor is ill.",
				"14 December at 11:30 (Moscow) — Иванов И. И."}, []string{"Bring:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := Notice("n1", start, tc.in)
			if n.Kind != tc.kind || n.Title != tc.title || n.BookingID != "b1" || n.Owner != "anna" {
				t.Errorf("notice %+v: want kind %s, title %q, booking b1 of anna", n, tc.kind, tc.title)
			}
			for _, s := range tc.want {
				if !strings.Contains(n.Body, s) {
					t.Errorf("body %q lacks %q", n.Body, s)
				}
			}
			for _, s := range tc.not {
				if strings.Contains(n.Body, s) {
					t.Errorf("body %q has %q", n.Body, s)
				}
			}
		})
	}
}
