package civil

import (
	"testing"
	"time"
)

func TestZone(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"Europe/Moscow", "Europe/Moscow", true},
		{"Asia/Vladivostok", "Asia/Vladivostok", true},
		{"", "UTC", true},
		{"Mars/Olympus_Mons", "", false},
		{"../../etc/passwd", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 2 { // the second from the cache
				got, err := Zone(tc.name)
				if (err == nil) != tc.ok {
					t.Fatalf("Zone(%q) error %v, want ok %v", tc.name, err, tc.ok)
				}
				if tc.ok && got.String() != tc.want {
					t.Errorf("Zone(%q) = %s, want %s", tc.name, got, tc.want)
				}
			}
		})
	}
	a, _ := Zone("Asia/Kamchatka")
	b, _ := Zone("Asia/Kamchatka")
	if a != b {
		t.Error("a zone loaded twice is not the cached one")
	}
	if _, ok := zones.Load("Mars/Olympus_Mons"); ok {
		t.Error("an unknown zone was cached")
	}
	if off := time.Date(2026, 12, 3, 0, 0, 0, 0, a).Sub(time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)); off != -12*time.Hour {
		t.Errorf("Kamchatka's offset %v, want UTC+12", -off)
	}
}
