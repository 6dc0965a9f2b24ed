package ticket

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

// icsProps unfolds a calendar and returns its content lines, after checking
// the physical form: CRLF line ends only, no line over 75 octets, every
// physical line valid UTF-8 (a fold never splits a rune).
func icsProps(t *testing.T, out []byte) []string {
	t.Helper()
	s := string(out)
	if !strings.HasSuffix(s, "\r\n") {
		t.Error("does not end in CRLF")
	}
	if strings.Count(s, "\n") != strings.Count(s, "\r\n") || strings.Count(s, "\r") != strings.Count(s, "\r\n") {
		t.Error("bare LF or CR")
	}
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a rune: %q", i+1, l)
		}
	}
	return strings.Split(strings.TrimSuffix(strings.ReplaceAll(s, "\r\n ", ""), "\r\n"), "\r\n")
}

// icsValue returns the value of the first property named name (with any
// parameters) and whether it was there.
func icsValue(lines []string, name string) (string, bool) {
	for _, l := range lines {
		if strings.HasPrefix(l, name+":") || strings.HasPrefix(l, name+";") {
			_, v, _ := strings.Cut(l, ":")
			return v, true
		}
	}
	return "", false
}

// icsUnescape reverses TEXT escaping.
func icsUnescape(s string) string {
	return strings.NewReplacer(`\\`, `\`, `\;`, `;`, `\,`, `,`, `\n`, "\n", `\N`, "\n").Replace(s)
}

func has(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestICSZones(t *testing.T) {
	now := time.Date(2026, 11, 1, 9, 15, 7, 0, mustZone(t, "Europe/Moscow"))
	instant := time.Date(2026, 12, 12, 8, 30, 0, 0, time.UTC)
	tests := []struct {
		zone, offset, start, end, tzname string
	}{
		{"Europe/Kaliningrad", "+0200", "20261212T103000", "20261212T110000", "EET"},
		{"Asia/Kamchatka", "+1200", "20261212T203000", "20261212T210000", ""},
		{"Europe/Moscow", "+0300", "20261212T113000", "20261212T120000", "MSK"},
		{"Asia/Vladivostok", "+1000", "20261212T183000", "20261212T190000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			b := sample(t)
			b.TimeZone, b.Start, b.End = tt.zone, instant, instant.Add(30*time.Minute)
			out, err := ICS(b, now, "ru")
			if err != nil {
				t.Fatal(err)
			}
			lines := icsProps(t, out)
			for _, want := range []string{
				"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kabinet//Booking//RU", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
				"BEGIN:VTIMEZONE", "TZID:" + tt.zone, "BEGIN:STANDARD", "DTSTART:19700101T000000",
				"TZOFFSETFROM:" + tt.offset, "TZOFFSETTO:" + tt.offset, "END:STANDARD", "END:VTIMEZONE",
				"BEGIN:VEVENT", "UID:" + b.ID + "@kabinet", "DTSTAMP:20261101T061507Z",
				"DTSTART;TZID=" + tt.zone + ":" + tt.start, "DTEND;TZID=" + tt.zone + ":" + tt.end,
				"STATUS:CONFIRMED", "BEGIN:VALARM", "TRIGGER:-PT2H", "ACTION:DISPLAY", "END:VALARM",
				"END:VEVENT", "END:VCALENDAR",
			} {
				if !has(lines, want) {
					t.Errorf("missing %q", want)
				}
			}
			name, ok := icsValue(lines, "TZNAME")
			if name != tt.tzname || ok != (tt.tzname != "") {
				t.Errorf("TZNAME %q (present %v), want %q", name, ok, tt.tzname)
			}
			if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
				t.Error("calendar is not wrapped in VCALENDAR")
			}
			if alarm, _ := icsValue(lines[indexOf(lines, "BEGIN:VALARM"):], "DESCRIPTION"); alarm == "" {
				t.Error("DISPLAY alarm without DESCRIPTION")
			}
		})
	}
}

func indexOf(lines []string, s string) int {
	for i, l := range lines {
		if l == s {
			return i
		}
	}
	return len(lines)
}

func TestICSTextEscapingAndFolding(t *testing.T) {
	b := sample(t)
	b.Address = "Российская Федерация, Калининградская область; г. Калининград, ул. Генерала-фельдмаршала Баграмяна\\Гайдара, д. 2,\nкорпус 3, кабинет № 214 — вход со двора"
	b.Institution = "Поликлиника; филиал, «Центральный»"
	b.Checklist = []string{"Паспорт, СНИЛС", "Направление;\r\nесли есть"}
	out, err := ICS(b, time.Now(), "ru")
	if err != nil {
		t.Fatal(err)
	}
	raw := string(out)
	if !strings.Contains(raw, "\r\n ") {
		t.Fatal("long Cyrillic lines were not folded")
	}
	lines := icsProps(t, out)
	loc, _ := icsValue(lines, "LOCATION")
	if !strings.Contains(loc, `\,`) || !strings.Contains(loc, `\;`) || !strings.Contains(loc, `\\`) || !strings.Contains(loc, `\n`) {
		t.Errorf("LOCATION not escaped: %q", loc)
	}
	if strings.ContainsAny(strings.NewReplacer(`\,`, "", `\;`, "", `\\`, "").Replace(loc), ",;") {
		t.Errorf("unescaped separator in %q", loc)
	}
	if got := icsUnescape(loc); got != b.Address {
		t.Errorf("LOCATION round trip:\n got %q\nwant %q", got, b.Address)
	}
	summary, _ := icsValue(lines, "SUMMARY")
	if got := icsUnescape(summary); got != "Приём: Иванова Анна Сергеевна (терапевт) — "+b.Institution {
		t.Errorf("SUMMARY %q", got)
	}
	desc, _ := icsValue(lines, "DESCRIPTION")
	d := icsUnescape(desc)
	for _, want := range []string{"Номер подтверждения: KB-7F3K-9Q2M", "— Паспорт, СНИЛС", "— Направление;\nесли есть",
		"Отменить или перенести запись можно до 11 декабря 2026, 10:30 (Калининград, UTC+02:00)"} {
		if !strings.Contains(d, want) {
			t.Errorf("DESCRIPTION lacks %q:\n%s", want, d)
		}
	}
	if strings.Contains(raw, b.StaffComment) {
		t.Error("staff comment leaked into the calendar")
	}
}

func TestICSFold(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", 75),
		strings.Repeat("a", 76),
		strings.Repeat("ж", 100),                 // 2-byte runes
		"x" + strings.Repeat("ж", 100),           // odd alignment
		strings.Repeat("€", 60),                  // 3-byte runes
		"ab" + strings.Repeat("😀", 50),           // 4-byte runes
		strings.Repeat("a", 74) + "ж" + "bbbbbb", // a rune straddling the limit
	} {
		var c icsWriter
		c.line(s)
		out := c.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > 75 || !utf8.ValidString(l) {
				t.Errorf("bad physical line %q", l)
			}
		}
		if got := strings.TrimSuffix(strings.ReplaceAll(out, "\r\n ", ""), "\r\n"); got != s {
			t.Errorf("unfold: got %q, want %q", got, s)
		}
	}
}

func TestICSCancelled(t *testing.T) {
	b := sample(t)
	b.Status = StatusCancelled
	out, err := ICS(b, time.Now(), "en")
	if err != nil {
		t.Fatal(err)
	}
	lines := icsProps(t, out)
	for _, want := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1", "UID:" + b.ID + "@kabinet"} {
		if !has(lines, want) {
			t.Errorf("missing %q", want)
		}
	}
	if has(lines, "METHOD:PUBLISH") || has(lines, "BEGIN:VALARM") {
		t.Error("a cancelled booking is published or reminded")
	}
	if s, _ := icsValue(lines, "SUMMARY"); !strings.HasPrefix(s, "Cancelled. Appointment: ") {
		t.Errorf("SUMMARY %q", s)
	}
}

func TestICSVideo(t *testing.T) {
	b := sample(t)
	b.Mode, b.Address = ModeVideo, ""
	b.VideoLink = "https://video.kabinet.example/room/01937c4e-7f3a-7b2c-9d1e-0a1b2c3d4e5f?token=abcdef0123456789"
	out, err := ICS(b, time.Now(), "en")
	if err != nil {
		t.Fatal(err)
	}
	lines := icsProps(t, out)
	if u, _ := icsValue(lines, "URL"); u != b.VideoLink {
		t.Errorf("URL %q", u)
	}
	if l, _ := icsValue(lines, "LOCATION"); icsUnescape(l) != b.VideoLink {
		t.Errorf("LOCATION %q, want the video link when there is no address", l)
	}
	if d, _ := icsValue(lines, "DESCRIPTION"); !strings.Contains(icsUnescape(d), "Video link: "+b.VideoLink) {
		t.Errorf("DESCRIPTION %q", d)
	}

	b.VideoLink = "javascript:alert(1)"
	out, _ = ICS(b, time.Now(), "en")
	if _, ok := icsValue(icsProps(t, out), "URL"); ok {
		t.Error("a non-http link became a URL property")
	}
}

func TestICSErrors(t *testing.T) {
	b := sample(t)
	b.ID = ""
	if _, err := ICS(b, time.Now(), "ru"); !errs.Is(err, errs.Invalid) {
		t.Errorf("no id: %v", err)
	}
	b = sample(t)
	b.End = b.Start
	if _, err := ICS(b, time.Now(), "ru"); !errs.Is(err, errs.Invalid) {
		t.Errorf("empty interval: %v", err)
	}
	b = sample(t)
	b.End = time.Time{}
	out, err := ICS(b, time.Now(), "ru")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := icsValue(icsProps(t, out), "DTEND"); ok {
		t.Error("DTEND without an end")
	}
}
