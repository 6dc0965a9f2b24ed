package files

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/idempotency"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want string
	}{
		{"pdf", []byte("%PDF-1.7\n"), TypePDF},
		{"jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, TypeJPEG},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), TypePNG},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00"), TypeHEIC},
		{"heif mif1", []byte("\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00"), TypeHEIC},
		{"mp4 is not heic", []byte("\x00\x00\x00\x18ftypisom\x00\x00\x00\x00"), ""},
		{"gif", []byte("GIF89a"), ""},
		{"html", []byte("<html><script>"), ""},
		{"zip", []byte("PK\x03\x04"), ""},
		{"empty", nil, ""},
		{"short jpeg", []byte{0xFF, 0xD8}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.head); got != tt.want {
				t.Errorf("Sniff = %q, want %q", got, tt.want)
			}
		})
	}
}

// memObjects is object storage in memory: for the domain's unit tests
// only; the S3 adapter's tests run against a real S3-compatible server.
type memObjects struct{ m map[string][]byte }

func (o *memObjects) PresignPut(_ context.Context, key string, spec PutSpec, ttl time.Duration) (Presigned, error) {
	return Presigned{URL: "mem://" + key, Method: "PUT", ExpiresAt: now.Add(ttl)}, nil
}
func (o *memObjects) PresignGet(_ context.Context, key, name, ct string, ttl time.Duration) (Presigned, error) {
	return Presigned{URL: "mem://" + key, Method: "GET", ExpiresAt: now.Add(ttl)}, nil
}
func (o *memObjects) Head(_ context.Context, key string) (ObjectInfo, error) {
	b, ok := o.m[key]
	if !ok {
		return ObjectInfo{}, errs.E("mem.Head", errs.NotFound, nil)
	}
	return ObjectInfo{Size: int64(len(b))}, nil
}
func (o *memObjects) Open(_ context.Context, key string) (io.ReadCloser, error) {
	b, ok := o.m[key]
	if !ok {
		return nil, errs.E("mem.Open", errs.NotFound, nil)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}
func (o *memObjects) Delete(_ context.Context, key string) error { delete(o.m, key); return nil }
func (o *memObjects) DeletePrefix(_ context.Context, p string) error {
	for k := range o.m {
		if strings.HasPrefix(k, p) {
			delete(o.m, k)
		}
	}
	return nil
}
func (o *memObjects) Copy(_ context.Context, src, dst string) error { o.m[dst] = o.m[src]; return nil }

type memStore struct{ m map[string]File }

func (s *memStore) CreateFile(_ context.Context, f File, _ *idempotency.Key) (File, bool, error) {
	s.m[f.ID] = f
	return f, false, nil
}
func (s *memStore) GetFile(_ context.Context, owner, doc, id string) (File, error) {
	f, ok := s.m[id]
	if !ok || f.Owner != owner || f.DocumentID != doc {
		return File{}, errs.E("mem.GetFile", errs.NotFound, nil)
	}
	return f, nil
}
func (s *memStore) ListFiles(_ context.Context, owner, doc string) ([]File, error) {
	var out []File
	for _, f := range s.m {
		if f.Owner == owner && f.DocumentID == doc {
			out = append(out, f)
		}
	}
	return out, nil
}
func (s *memStore) ListOwnerFiles(_ context.Context, owner string) ([]File, error) {
	var out []File
	for _, f := range s.m {
		if f.Owner == owner {
			out = append(out, f)
		}
	}
	return out, nil
}
func (s *memStore) UpdateFile(_ context.Context, f File, prev int) error {
	if s.m[f.ID].Version != prev {
		return errs.E("mem.UpdateFile", errs.Precondition, "version_mismatch")
	}
	s.m[f.ID] = f
	return nil
}
func (s *memStore) DeleteFile(_ context.Context, f File) error { delete(s.m, f.ID); return nil }

type docsFunc func(owner, id string) error

func (d docsFunc) DocumentExists(_ context.Context, owner, id string) error { return d(owner, id) }

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func newService(clock *time.Time) (*Service, *memObjects, *memStore) {
	o := &memObjects{m: map[string][]byte{}}
	st := &memStore{m: map[string]File{}}
	n := 0
	return &Service{
		Store: st, Objects: o,
		Documents: docsFunc(func(owner, id string) error {
			if owner == "alice" && id == "doc1" {
				return nil
			}
			return errs.E("docs", errs.NotFound, nil)
		}),
		Now:   func() time.Time { return *clock },
		NewID: func() string { n++; return "f" + strconv.Itoa(n) },
	}, o, st
}

func hexSHA(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

var pdf = []byte("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")

func TestBeginValidates(t *testing.T) {
	good := BeginInput{Name: "scan.pdf", ContentType: TypePDF, Size: 10, SHA256: hexSHA(pdf)}
	tests := []struct {
		name        string
		edit        func(*BeginInput)
		field, code string
	}{
		{"no name", func(in *BeginInput) { in.Name = " " }, "name", CodeRequired},
		{"path in name", func(in *BeginInput) { in.Name = "../etc/passwd" }, "name", CodeInvalidName},
		{"header in name", func(in *BeginInput) { in.Name = "a\r\nX-Evil: 1" }, "name", CodeInvalidName},
		{"long name", func(in *BeginInput) { in.Name = strings.Repeat("я", MaxNameLength+1) }, "name", CodeTooLong},
		{"gif", func(in *BeginInput) { in.ContentType = "image/gif" }, "contentType", CodeUnsupported},
		{"zero size", func(in *BeginInput) { in.Size = 0 }, "size", CodeNotPositive},
		{"20 MB + 1", func(in *BeginInput) { in.Size = MaxFileSize + 1 }, "size", CodeTooLarge},
		{"short hash", func(in *BeginInput) { in.SHA256 = "abcd" }, "sha256", CodeInvalidSHA256},
		{"not hex", func(in *BeginInput) { in.SHA256 = strings.Repeat("z", 64) }, "sha256", CodeInvalidSHA256},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := now
			s, _, st := newService(&clock)
			in := good
			tt.edit(&in)
			_, _, err := s.Begin(context.Background(), "alice", "doc1", in, nil)
			var e *errs.Error
			if !asErr(err, &e) || e.Kind != errs.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != tt.field || e.Fields[0].Code != tt.code {
				t.Fatalf("err = %v, want Invalid %s:%s", err, tt.field, tt.code)
			}
			if len(st.m) != 0 {
				t.Errorf("a refused Begin recorded %d files", len(st.m))
			}
		})
	}
	t.Run("exactly 20 MB is accepted", func(t *testing.T) {
		clock := now
		s, _, _ := newService(&clock)
		in := good
		in.Size = MaxFileSize
		if _, _, err := s.Begin(context.Background(), "alice", "doc1", in, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("someone else's document", func(t *testing.T) {
		clock := now
		s, _, _ := newService(&clock)
		if _, _, err := s.Begin(context.Background(), "bob", "doc1", good, nil); !errs.Is(err, errs.NotFound) {
			t.Fatalf("err = %v, want NotFound", err)
		}
	})
}

func asErr(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	*e = x
	return ok
}

func TestComplete(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake png body")
	tests := []struct {
		name     string
		declared BeginInput
		stored   []byte // nil: nothing uploaded
		after    time.Duration
		scanning bool
		kind     errs.Kind
		reason   errs.Reason
		field    string
		status   Status
		kept     bool // record and object still there
	}{
		{name: "accepted, no scanner", declared: BeginInput{ContentType: TypePDF, Size: int64(len(pdf)), SHA256: hexSHA(pdf)}, stored: pdf, status: StatusNotScanned, kept: true},
		{name: "accepted, scanner", declared: BeginInput{ContentType: TypePDF, Size: int64(len(pdf)), SHA256: hexSHA(pdf)}, stored: pdf, scanning: true, status: StatusPendingScan, kept: true},
		{name: "size differs", declared: BeginInput{ContentType: TypePDF, Size: int64(len(pdf)) + 1, SHA256: hexSHA(pdf)}, stored: pdf, kind: errs.Invalid, reason: ReasonRefused, field: "size"},
		{name: "hash differs", declared: BeginInput{ContentType: TypePDF, Size: int64(len(pdf)), SHA256: hexSHA(png)}, stored: pdf, kind: errs.Invalid, reason: ReasonRefused, field: "sha256"},
		{name: "declared png, is pdf", declared: BeginInput{ContentType: TypePNG, Size: int64(len(pdf)), SHA256: hexSHA(pdf)}, stored: pdf, kind: errs.Invalid, reason: ReasonRefused, field: "contentType"},
		{name: "html posing as pdf", declared: BeginInput{ContentType: TypePDF, Size: 13, SHA256: hexSHA([]byte("<html></html>"))}, stored: []byte("<html></html>"), kind: errs.Invalid, reason: ReasonRefused, field: "contentType"},
		{name: "nothing uploaded yet", declared: BeginInput{ContentType: TypePNG, Size: int64(len(png)), SHA256: hexSHA(png)}, kind: errs.Conflict, reason: ReasonNotUploaded, kept: true},
		{name: "nothing uploaded, URL expired", declared: BeginInput{ContentType: TypePNG, Size: int64(len(png)), SHA256: hexSHA(png)}, after: UploadTTL + 2*time.Minute, kind: errs.Conflict, reason: ReasonUploadExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := now
			s, o, st := newService(&clock)
			s.Scanning = tt.scanning
			in := tt.declared
			in.Name = "x"
			up, _, err := s.Begin(context.Background(), "alice", "doc1", in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.stored != nil {
				o.m[up.File.Key] = tt.stored
			}
			clock = clock.Add(tt.after)
			f, err := s.Complete(context.Background(), "alice", "doc1", up.File.ID)
			if tt.reason != "" {
				var e *errs.Error
				if !asErr(err, &e) || e.Kind != tt.kind || e.Reason != tt.reason {
					t.Fatalf("err = %v, want %v %s", err, tt.kind, tt.reason)
				}
				if tt.field != "" && (len(e.Fields) != 1 || e.Fields[0].Field != tt.field) {
					t.Errorf("fields = %v, want %s", e.Fields, tt.field)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if f.Status != tt.status {
					t.Errorf("status = %s, want %s", f.Status, tt.status)
				}
			}
			_, recorded := st.m[up.File.ID]
			_, stored := o.m[up.File.Key]
			if recorded != tt.kept || (tt.stored != nil && stored != tt.kept) {
				t.Errorf("record kept %v, object kept %v; want %v", recorded, stored, tt.kept)
			}
		})
	}
}

func TestCompleteTwice(t *testing.T) {
	clock := now
	s, o, _ := newService(&clock)
	up, _, err := s.Begin(context.Background(), "alice", "doc1", BeginInput{Name: "a.pdf", ContentType: TypePDF, Size: int64(len(pdf)), SHA256: hexSHA(pdf)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o.m[up.File.Key] = pdf
	if _, err := s.Complete(context.Background(), "alice", "doc1", up.File.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Complete(context.Background(), "alice", "doc1", up.File.ID)
	if errs.KindOf(err) != errs.Conflict || errs.ReasonOf(err) != ReasonAlreadyCompleted {
		t.Fatalf("second complete: %v, want Conflict already_completed", err)
	}
}

func TestDownloadOnlyWhenClean(t *testing.T) {
	for _, st := range []struct {
		status Status
		want   bool
	}{{StatusPendingUpload, false}, {StatusPendingScan, false}, {StatusNotScanned, true}, {StatusReady, true}, {StatusInfected, false}} {
		t.Run(string(st.status), func(t *testing.T) {
			if got := st.status.Downloadable(); got != st.want {
				t.Errorf("Downloadable = %v, want %v", got, st.want)
			}
		})
	}
}

func TestListReapsAbandoned(t *testing.T) {
	clock := now
	s, o, st := newService(&clock)
	ctx := context.Background()
	done, _, _ := s.Begin(ctx, "alice", "doc1", BeginInput{Name: "a.pdf", ContentType: TypePDF, Size: int64(len(pdf)), SHA256: hexSHA(pdf)}, nil)
	o.m[done.File.Key] = pdf
	if _, err := s.Complete(ctx, "alice", "doc1", done.File.ID); err != nil {
		t.Fatal(err)
	}
	abandoned, _, _ := s.Begin(ctx, "alice", "doc1", BeginInput{Name: "b.pdf", ContentType: TypePDF, Size: int64(len(pdf)), SHA256: hexSHA(pdf)}, nil)
	clock = clock.Add(UploadTTL + 2*time.Minute)
	got, err := s.List(ctx, "alice", "doc1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != done.File.ID {
		t.Fatalf("List = %v, want only the completed file", got)
	}
	if _, ok := st.m[abandoned.File.ID]; ok {
		t.Error("the abandoned record is still stored")
	}
}
