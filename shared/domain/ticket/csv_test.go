package ticket

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/csvsafe"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

// readCSV checks the BOM and parses the rest with encoding/csv.
func readCSV(t *testing.T, out []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(out, []byte{0xEF, 0xBB, 0xBF}) {
		t.Fatalf("no UTF-8 BOM: % x", out[:min(len(out), 3)])
	}
	recs, err := csv.NewReader(bytes.NewReader(out[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCSV(t *testing.T) {
	instant := time.Date(2026, 12, 12, 8, 30, 0, 0, time.UTC)
	kal := sample(t)
	kal.Start, kal.End = instant, instant.Add(30*time.Minute)
	kam := kal
	kam.TimeZone, kam.Status, kam.Mode, kam.ConfirmationNumber = "Asia/Kamchatka", StatusNoShow, ModeVideo, "KB-AAAA-BBBB"
	late := kal // ends after midnight local time
	late.TimeZone, late.Status, late.StaffComment = "Europe/Moscow", StatusCancelled, ""
	late.Start = time.Date(2026, 12, 12, 20, 30, 0, 0, time.UTC)
	late.End = late.Start.Add(time.Hour)

	tests := []struct {
		lang   string
		header []string
		rows   [][]string
	}{
		{"ru",
			[]string{"Дата", "Время", "Часовой пояс", "Учреждение", "Специалист", "Специализация", "Формат", "Статус", "Номер подтверждения", "Комментарий"},
			[][]string{
				{"12.12.2026", "10:30–11:00", "Калининград, UTC+02:00", kal.Institution, kal.Specialist, kal.Specialization, "Очный приём", "Подтверждена", "KB-7F3K-9Q2M", "повторный приём"},
				{"12.12.2026", "20:30–21:00", "Петропавловск-Камчатский, UTC+12:00", kal.Institution, kal.Specialist, kal.Specialization, "Видеоконсультация", "Неявка", "KB-AAAA-BBBB", "повторный приём"},
				{"12.12.2026", "23:30–13.12.2026 00:30", "Москва, UTC+03:00", kal.Institution, kal.Specialist, kal.Specialization, "Очный приём", "Отменена", "KB-7F3K-9Q2M", ""},
			}},
		{"en",
			[]string{"Date", "Time", "Time zone", "Institution", "Specialist", "Specialization", "Mode", "Status", "Confirmation number", "Comment"},
			[][]string{
				{"2026-12-12", "10:30–11:00", "Kaliningrad, UTC+02:00", kal.Institution, kal.Specialist, kal.Specialization, "In person", "Confirmed", "KB-7F3K-9Q2M", "повторный приём"},
				{"2026-12-12", "20:30–21:00", "Petropavlovsk-Kamchatsky, UTC+12:00", kal.Institution, kal.Specialist, kal.Specialization, "Video consultation", "No-show", "KB-AAAA-BBBB", "повторный приём"},
				{"2026-12-12", "23:30–2026-12-13 00:30", "Moscow, UTC+03:00", kal.Institution, kal.Specialist, kal.Specialization, "In person", "Cancelled", "KB-7F3K-9Q2M", ""},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := CSV(&buf, []Booking{kal, kam, late}, tt.lang); err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(buf.Bytes(), []byte("\r\n")) {
				t.Error("records do not end in CRLF")
			}
			recs := readCSV(t, buf.Bytes())
			if len(recs) != 1+len(tt.rows) {
				t.Fatalf("%d records, want %d", len(recs), 1+len(tt.rows))
			}
			if strings.Join(recs[0], "|") != strings.Join(tt.header, "|") {
				t.Errorf("header %q", recs[0])
			}
			for i, want := range tt.rows {
				if strings.Join(recs[i+1], "|") != strings.Join(want, "|") {
					t.Errorf("row %d:\n got %q\nwant %q", i+1, recs[i+1], want)
				}
			}
		})
	}
}

func TestCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, nil, "ru"); err != nil {
		t.Fatal(err)
	}
	if recs := readCSV(t, buf.Bytes()); len(recs) != 1 {
		t.Errorf("%d records, want the header only", len(recs))
	}
}

func TestCSVCells(t *testing.T) {
	tests := []struct {
		name, comment, want string
	}{
		{"formula", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"plus", "+1+1", "'+1+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1:A2)", "'@SUM(A1:A2)"},
		// A tab is a trigger and a separator: the piece after it is guarded too.
		{"tab", "\t=1", "'\t'=1"},
		// With CRLF records encoding/csv drops a lone CR, which would leave
		// a bare "=1": the guard runs before that.
		{"carriage return", "\r=1", "''=1"},
		// ru-RU Excel splits on ';': the piece after it would be a formula.
		{"formula after a semicolon", "Петров;=1+2", "Петров;'=1+2"},
		{"formula after a comma", "опоздал,=1+2", "опоздал,'=1+2"},
		{"formula after a pipe and spaces", "x| @SUM(A1)", "x| '@SUM(A1)"},
		{"formula later is harmless", "a=1", "a=1"},
		{"comma, quote and newline", "опоздал, \"очень\"\nсказал: перенести", "опоздал, \"очень\"\nсказал: перенести"},
		{"plain", "всё хорошо", "всё хорошо"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := sample(t)
			b.StaffComment = tt.comment
			var buf bytes.Buffer
			if err := CSV(&buf, []Booking{b}, "ru"); err != nil {
				t.Fatal(err)
			}
			recs := readCSV(t, buf.Bytes())
			if got := recs[1][9]; got != tt.want {
				t.Errorf("comment cell %q, want %q", got, tt.want)
			}
		})
	}

	// Every column is guarded, not only the comment.
	b := sample(t)
	b.Institution, b.Specialist, b.ConfirmationNumber = "=HYPERLINK(\"x\")", "@x", "-1"
	var buf bytes.Buffer
	if err := CSV(&buf, []Booking{b}, "en"); err != nil {
		t.Fatal(err)
	}
	row := readCSV(t, buf.Bytes())[1]
	if row[3] != "'=HYPERLINK(\"x\")" || row[4] != "'@x" || row[8] != "'-1" {
		t.Errorf("row %q", row)
	}
}

func TestCSVErrors(t *testing.T) {
	bad := sample(t)
	bad.TimeZone = "Nowhere/Land"
	var buf bytes.Buffer
	err := CSV(&buf, []Booking{sample(t), bad}, "ru")
	if !errs.Is(err, errs.Invalid) {
		t.Fatalf("err = %v, want Invalid", err)
	}
	if fe := err.(*errs.Error).Fields; len(fe) != 1 || fe[0].Field != "rows[1].time_zone" {
		t.Errorf("fields %v", fe)
	}
	if buf.Len() != 0 {
		t.Error("wrote a partial journal before refusing it")
	}

	if err := CSV(failWriter{}, []Booking{sample(t)}, "ru"); !errs.Is(err, errs.Internal) {
		t.Errorf("writer failure: %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestCSVNoFormulaAfterAnySeparator (issue 15, point 5): whatever separator
// the reader's Excel splits on (";" in ru-RU), no piece of the journal is a
// live formula, in any text column.
func TestCSVNoFormulaAfterAnySeparator(t *testing.T) {
	b := sample(t)
	b.Institution, b.Specialist, b.Specialization = "Поликлиника;=1+2", "Петров,@SUM(A1:A9)", "x|+1+1"
	b.ConfirmationNumber, b.StaffComment = "A;-2+3", "пришёл\t=cmd|' /C calc'!A0\nушёл; ＝1"
	var buf bytes.Buffer
	if err := CSV(&buf, []Booking{b}, "ru"); err != nil {
		t.Fatal(err)
	}
	if live := csvsafe.Live(buf.String()); len(live) != 0 {
		t.Errorf("live formulas %q in\n%s", live, buf.String())
	}
}
