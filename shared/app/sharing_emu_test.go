package app_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/app/filing/shares"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/sharing"
)

// TestShareWithDoctor: the owner shares a document with an institution;
// its staff see it with its files, staff of another institution do not,
// every staff read shows on the owner's list, and revocation and expiry
// end access at once.
func TestShareWithDoctor(t *testing.T) {
	e := newFilesEnv(t)
	ctx := context.Background()
	insts, specs := directory.Demo()
	if err := e.st.PutDirectory(ctx, insts, specs); err != nil {
		t.Fatal(err)
	}
	clinic, other := insts[0].ID, insts[1].ID
	var elsewhere string // a specialist of another institution
	for _, sp := range specs {
		if sp.InstitutionID != clinic {
			elsewhere = sp.ID
			break
		}
	}
	svc := shares.Service(e.st.Store, e.docs, e.svc, e.clock)
	svc.Locator = ids.NewLocator([]byte("the sharing tests' key")) // ids seal their owner and document
	doc := e.mustDocument(t, "alice")
	up, _, err := e.svc.Begin(ctx, "alice", doc, files.BeginInput{Name: "анализ.pdf", ContentType: files.TypePDF, Size: int64(len(scanPDF)), SHA256: hexSum(scanPDF)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code := upload(t, up.Upload, scanPDF); code != http.StatusOK {
		t.Fatalf("PUT = %d", code)
	}
	if _, err := e.svc.Complete(ctx, "alice", doc, up.File.ID); err != nil {
		t.Fatal(err)
	}

	now := e.clock()
	bad := []struct {
		name  string
		in    sharing.ShareInput
		field string
		code  string
	}{
		{"91 days", sharing.ShareInput{InstitutionID: clinic, Until: now.Add(sharing.MaxDuration + time.Hour)}, "until", sharing.CodeTooLong},
		{"in the past", sharing.ShareInput{InstitutionID: clinic, Until: now.Add(-time.Hour)}, "until", sharing.CodeInPast},
		{"no such institution", sharing.ShareInput{InstitutionID: "inst-nowhere", Until: now.Add(time.Hour)}, "institutionId", sharing.CodeNotFound},
		{"specialist elsewhere", sharing.ShareInput{InstitutionID: clinic, SpecialistID: elsewhere, Until: now.Add(time.Hour)}, "specialistId", sharing.CodeNotThere},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := svc.Create(ctx, "alice", doc, tt.in, nil)
			var ke *errs.Error
			if !errorsAs(err, &ke) || ke.Kind != errs.Invalid || len(ke.Fields) != 1 || ke.Fields[0] != (errs.FieldError{Field: tt.field, Code: tt.code}) {
				t.Fatalf("Create: %v, want Invalid %s:%s", err, tt.field, tt.code)
			}
		})
	}
	if _, _, err := svc.Create(ctx, "bob", doc, sharing.ShareInput{InstitutionID: clinic, Until: now.Add(time.Hour)}, nil); !errs.Is(err, errs.NotFound) {
		t.Errorf("bob sharing alice's document: %v, want NotFound", err)
	}

	sh, _, err := svc.Create(ctx, "alice", doc, sharing.ShareInput{InstitutionID: clinic, Until: now.Add(sharing.MaxDuration)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	doctor := sharing.Staff{Sub: "dr-house", InstitutionID: clinic}
	got, err := svc.InstitutionDocuments(ctx, doctor, clinic)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Document.Document.ID != doc || len(got[0].Files) != 1 || got[0].Files[0].Download == nil {
		t.Fatalf("shared documents = %+v, want alice's document with its file downloadable", got)
	}
	if _, err := svc.InstitutionDocuments(ctx, sharing.Staff{Sub: "nurse", InstitutionID: other}, clinic); !errs.Is(err, errs.Forbidden) {
		t.Errorf("staff of another institution: %v, want Forbidden", err)
	}
	if _, err := svc.InstitutionDocuments(ctx, sharing.Staff{Sub: "bob"}, clinic); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a citizen: %v, want Forbidden", err)
	}
	if _, err := svc.SharedDocument(ctx, sharing.Staff{Sub: "nurse", InstitutionID: other}, other, sh.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("another institution naming the share: %v, want NotFound", err)
	}
	if _, err := svc.SharedDocument(ctx, doctor, clinic, sh.ID); err != nil {
		t.Fatal(err)
	}
	list, err := svc.List(ctx, "alice", doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || len(list[0].Reads) != 2 || list[0].Reads[0].Staff != "dr-house" {
		t.Fatalf("owner's shares = %+v, want one share with the doctor's two reads", list)
	}

	if err := svc.Revoke(ctx, "alice", doc, sh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.SharedDocument(ctx, doctor, clinic, sh.ID); errs.ReasonOf(err) != "share_ended" {
		t.Errorf("read after revocation: %v, want NotFound share_ended", err)
	}
	if got, err := svc.InstitutionDocuments(ctx, doctor, clinic); err != nil || len(got) != 0 {
		t.Errorf("shared documents after revocation = %v, %v; want none", got, err)
	}

	short, _, err := svc.Create(ctx, "alice", doc, sharing.ShareInput{InstitutionID: clinic, Until: now.Add(time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.advance(time.Hour + time.Second)
	if _, err := svc.SharedDocument(ctx, doctor, clinic, short.ID); errs.ReasonOf(err) != "share_ended" {
		t.Errorf("read after expiry: %v, want NotFound share_ended", err)
	}
	if err := svc.Revoke(ctx, "bob", doc, short.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("bob revoking alice's share: %v, want NotFound", err)
	}

	// A share with one specialist is theirs alone, and a read refused
	// records nothing; ids sealing the owner alone (made before the
	// document was sealed too) or nothing (before sealing, or another
	// key's) are read as they were.
	var spec string
	for _, sp := range specs {
		if sp.InstitutionID == clinic {
			spec = sp.ID
			break
		}
	}
	own, _, err := svc.Create(ctx, "alice", doc, sharing.ShareInput{InstitutionID: clinic, SpecialistID: spec, Until: now.Add(sharing.MaxDuration)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	specialist := sharing.Staff{Sub: spec, InstitutionID: clinic}
	if _, err := svc.SharedDocument(ctx, doctor, clinic, own.ID); errs.ReasonOf(err) != "share_ended" {
		t.Errorf("another doctor reading the specialist's share: %v, want NotFound share_ended", err)
	}
	if got, err := svc.InstitutionDocuments(ctx, doctor, clinic); err != nil || len(got) != 0 {
		t.Errorf("another doctor's list = %v, %v; want none", got, err)
	}
	if got, err := svc.InstitutionDocuments(ctx, specialist, clinic); err != nil || len(got) != 1 || got[0].Share.ID != own.ID {
		t.Errorf("the specialist's list = %+v, %v; want their share", got, err)
	}
	for name, id := range map[string]string{
		"the specialist's":        own.ID,
		"sealing the owner alone": svc.Locator.Seal(ids.New(), "alice"),
		"sealing nothing":         ids.New(),
	} {
		if id != own.ID {
			if _, _, err := e.st.PutShare(ctx, sharing.Share{ID: id, Owner: "alice", DocumentID: doc, InstitutionID: clinic, SpecialistID: spec, Until: now.Add(sharing.MaxDuration), CreatedAt: now}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := svc.SharedDocument(ctx, specialist, clinic, id); err != nil || got.Share.ID != id || got.Document.Document.ID != doc {
			t.Errorf("%s id: %+v, %v; want the share with alice's document", name, got, err)
		}
	}
	if list, err := svc.List(ctx, "alice", doc); err != nil || len(list) != 5 || len(list[0].Reads) != 1 || len(list[2].Reads) != 2 {
		t.Fatalf("owner's shares = %+v, %v; want five, the specialist's read twice and each id from before once", list, err)
	}

	// Erasing the document erases its shares and their reads with its files.
	if err := e.docs.DeleteDocument(ctx, "alice", doc); err != nil {
		t.Fatal(err)
	}
	if left, err := e.st.ListShares(ctx, "alice", doc); err != nil || len(left) != 0 {
		t.Errorf("shares after erasure: %v, %v; want none", left, err)
	}
	if reads, err := e.st.DocumentReads(ctx, "alice", doc); err != nil || len(reads) != 0 {
		t.Errorf("reads after erasure: %d, %v; want none", len(reads), err)
	}
	if bytes, count, err := e.st.FileUsage(ctx, "alice", doc); err != nil || bytes != 0 || count != 0 {
		t.Errorf("file usage after erasure: %d bytes, %d files, %v; want none", bytes, count, err)
	}
	if _, err := e.st.FindShare(ctx, clinic, "", sh.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("share reference after erasure: %v, want NotFound", err)
	}
	if left := testenv.Objects(t, e.cl, e.bucket); len(left) != 0 {
		t.Errorf("objects after erasure: %v, want none", left)
	}
}
