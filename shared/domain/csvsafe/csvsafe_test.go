package csvsafe_test

import (
	"testing"

	"github.com/kabinet/kabinet/shared/domain/csvsafe"
)

func TestCell(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "всё хорошо", "всё хорошо"},
		{"empty", "", ""},
		{"equals", "=1+2", "'=1+2"},
		{"plus", "+7 999", "'+7 999"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"after a semicolon (ru-RU Excel)", "Петров;=1+2", "Петров;'=1+2"},
		{"after a comma", "Петров,=1+2", "Петров,'=1+2"},
		{"after a tab", "a\t=1", "a\t'=1"},
		{"after a pipe", "a|@x", "a|'@x"},
		{"after a line break", "a\n+1", "a\n'+1"},
		{"after spaces after a separator", "a;  -1", "a;  '-1"},
		{"leading spaces", "  =1", "  '=1"},
		{"a leading tab, then a formula", "\t=1", "'\t'=1"},
		{"a leading carriage return, then a formula", "\r=1", "'\r'=1"},
		{"full-width equals", "＝1+2", "'＝1+2"},
		{"every piece", "=a;=b,=c", "'=a;'=b,'=c"},
		{"a trigger inside a piece is harmless", "a=1;b-2", "a=1;b-2"},
		{"a hyphenated name", "Иванова-Петрова", "Иванова-Петрова"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := csvsafe.Cell(tc.in); got != tc.want {
				t.Errorf("Cell(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLive(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		want       int
	}{
		{"guarded", "a,'=1\r\nПетров;'=1+2,\"x; '@y\"\r\n", 0},
		{"a negative count is a number", "Иванов,-5\r\n", 0},
		{"a formula after a semicolon", "Петров;=1+2,x\r\n", 1},
		{"a quoted formula", "a,\"=HYPERLINK(\"\"x\"\")\"\r\n", 1},
		{"after a tab and spaces", "a\t  +1+1\r\n", 1},
		{"minus then text", "a,-x\r\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := csvsafe.Live(tc.file); len(got) != tc.want {
				t.Errorf("Live(%q) = %q, want %d pieces", tc.file, got, tc.want)
			}
		})
	}
}
