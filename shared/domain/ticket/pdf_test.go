package ticket

import (
	"bytes"
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/errs"
)

func TestPDF(t *testing.T) {
	key := newKey(t)
	qr := func(b Booking) []byte {
		p, err := QRPNG(Signer{Key: key}.Payload(b), 0)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	confirmed := sample(t)
	cancelled := sample(t)
	cancelled.Status = StatusCancelled
	video := sample(t)
	video.Mode, video.Address = ModeVideo, ""
	video.VideoLink = "https://video.kabinet.example/room/01937c4e?token=abc"
	badLink := video
	badLink.VideoLink = "javascript:alert(1)"
	long := sample(t)
	for i := 0; i < 60; i++ { // spills onto a second page
		long.Checklist = append(long.Checklist, strings.Repeat("Справка о состоянии здоровья, ", 3))
	}
	bare := Booking{ConfirmationNumber: "KB-1", Start: confirmed.Start, TimeZone: "Asia/Kamchatka"}

	tests := []struct {
		name      string
		b         Booking
		qr        bool
		lang      string
		wantImage bool
		wantURI   string
	}{
		{"ru confirmed", confirmed, true, "ru", true, ""},
		{"en confirmed", confirmed, true, "en", true, ""},
		{"ru cancelled drops the QR", cancelled, true, "ru", false, ""},
		{"en cancelled", cancelled, true, "en", false, ""},
		{"video link is clickable", video, true, "ru", true, video.VideoLink},
		{"javascript link stays text", badLink, true, "en", true, ""},
		{"no QR given", confirmed, false, "ru", false, ""},
		{"long checklist", long, true, "ru", true, ""},
		{"only the required fields", bare, false, "en", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var png []byte
			if tt.qr {
				png = qr(tt.b)
			}
			out, err := PDF(tt.b, png, tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, []byte("%PDF-")) {
				t.Errorf("does not start with %%PDF-: %q", out[:min(len(out), 16)])
			}
			if !bytes.Contains(out, []byte("/FontFile2")) {
				t.Error("font is not embedded")
			}
			if len(out) >= 200<<10 {
				t.Errorf("size %d bytes, want under 200 KB", len(out))
			}
			if got := bytes.Contains(out, []byte("/Subtype /Image")); got != tt.wantImage {
				t.Errorf("has image = %v, want %v", got, tt.wantImage)
			}
			hasURI := bytes.Contains(out, []byte("/URI ("))
			if tt.wantURI != "" && !bytes.Contains(out, []byte("/URI ("+tt.wantURI+")")) {
				t.Errorf("no link to %s", tt.wantURI)
			}
			if tt.wantURI == "" && hasURI {
				t.Error("unexpected link annotation")
			}
			for i := 0; i < 5; i++ { // map order inside fpdf must not leak into the bytes
				again, err := PDF(tt.b, png, tt.lang)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(out, again) {
					t.Fatalf("run %d: same input, different bytes", i)
				}
			}
		})
	}
}

func TestPDFLanguagesDiffer(t *testing.T) {
	b := sample(t)
	ru, err := PDF(b, nil, "ru")
	if err != nil {
		t.Fatal(err)
	}
	en, err := PDF(b, nil, "en")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(ru, en) {
		t.Error("ru and en documents are identical")
	}
	other := b
	other.ConfirmationNumber = "KB-0000-0001"
	if o, _ := PDF(other, nil, "ru"); bytes.Equal(o, ru) {
		t.Error("another booking gave the same bytes")
	}
}

func TestPDFErrors(t *testing.T) {
	b := sample(t)
	noConf := b
	noConf.ConfirmationNumber = ""
	if _, err := PDF(noConf, nil, "ru"); !errs.Is(err, errs.Invalid) {
		t.Errorf("no confirmation number: %v", err)
	}
	badZone := b
	badZone.TimeZone = "Europe/Atlantis"
	if _, err := PDF(badZone, nil, "ru"); !errs.Is(err, errs.Invalid) {
		t.Errorf("bad zone: %v", err)
	}
	if _, err := PDF(b, []byte("not a png"), "ru"); !errs.Is(err, errs.Internal) {
		t.Errorf("bad image: %v", err)
	}
}
