package bookingstore_test

import (
	"cmp"
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/domain/civil"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// newDirStore returns a Store on a fresh table in DynamoDB Local.
func newDirStore(t *testing.T) (*allstore.Store, context.Context) {
	t.Helper()
	ctx := context.Background()
	cl, name := testenv.Table(t, "dir")
	return allstore.New(cl.DynamoDB, name), ctx
}

func byInstID(a, b directory.Institution) int { return cmp.Compare(a.ID, b.ID) }
func bySpecID(a, b directory.Specialist) int  { return cmp.Compare(a.ID, b.ID) }

func TestDirectoryRoundTrip(t *testing.T) {
	st, ctx := newDirStore(t)
	insts, specs := directory.Demo()
	if err := st.PutDirectory(ctx, insts, specs); err != nil {
		t.Fatal(err)
	}
	// Someone's profile and a document in the same table must not leak in.
	if err := st.PutProfile(ctx, registry.Profile{Owner: "user-1", TimeZone: "Europe/Moscow", Language: "ru",
		Version: 1, UpdatedAt: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "USER#user-1"}, "sk": &types.AttributeValueMemberS{Value: "INST#inst-msk-01"},
		"kind": &types.AttributeValueMemberS{Value: "institution"}, "name": &types.AttributeValueMemberS{Value: "not in the directory"},
	}}); err != nil {
		t.Fatal(err)
	}

	gotInsts, gotSpecs, err := st.LoadDirectory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(insts, byInstID)
	slices.SortFunc(specs, bySpecID)
	if !reflect.DeepEqual(gotInsts, insts) {
		for i := range min(len(gotInsts), len(insts)) {
			if !reflect.DeepEqual(gotInsts[i], insts[i]) {
				t.Errorf("institution %d:\n got %+v\nwant %+v", i, gotInsts[i], insts[i])
			}
		}
		t.Fatalf("LoadDirectory: %d institutions, want %d", len(gotInsts), len(insts))
	}
	if !reflect.DeepEqual(gotSpecs, specs) {
		t.Fatalf("LoadDirectory specialists differ:\n got %+v\nwant %+v", gotSpecs, specs)
	}
	if _, err := directory.NewIndex(gotInsts, gotSpecs); err != nil {
		t.Errorf("loaded directory does not index: %v", err)
	}
}

func TestDirectoryGet(t *testing.T) {
	st, ctx := newDirStore(t)
	insts, specs := directory.Demo()
	if err := st.PutDirectory(ctx, insts, specs); err != nil {
		t.Fatal(err)
	}
	lab := slices.IndexFunc(insts, func(in directory.Institution) bool { return in.Licence.ValidUntil != nil })
	mfc := slices.IndexFunc(insts, func(in directory.Institution) bool { return in.Type == directory.TypeMFC })
	tests := []struct {
		name string
		get  func() (any, error)
		want any
		kind errs.Kind // checked when want is nil
	}{
		{"institution", func() (any, error) { return st.GetInstitution(ctx, insts[0].ID) }, insts[0], 0},
		{"institution with a dated licence", func() (any, error) { return st.GetInstitution(ctx, insts[lab].ID) }, insts[lab], 0},
		{"institution without a licence", func() (any, error) { return st.GetInstitution(ctx, insts[mfc].ID) }, insts[mfc], 0},
		{"specialist", func() (any, error) { return st.GetSpecialist(ctx, specs[0].ID) }, specs[0], 0},
		{"missing institution", func() (any, error) { return st.GetInstitution(ctx, "inst-nowhere") }, nil, errs.NotFound},
		{"missing specialist", func() (any, error) { return st.GetSpecialist(ctx, "spec-nowhere") }, nil, errs.NotFound},
		{"a specialist id is not an institution", func() (any, error) { return st.GetInstitution(ctx, specs[0].ID) }, nil, errs.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.get()
			if tt.want == nil {
				if !errs.Is(err, tt.kind) {
					t.Errorf("err = %v, want %v", err, tt.kind)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestDirectoryPut(t *testing.T) {
	st, ctx := newDirStore(t)
	until := civil.Date{Year: 2030, Month: time.June, Day: 1}
	base := directory.Institution{ID: "i1", Name: "Поликлиника", Type: directory.TypePolyclinic, TimeZone: "Europe/Moscow"}
	tests := []struct {
		name  string
		insts []directory.Institution
		specs []directory.Specialist
		kind  errs.Kind // 0 with ok
		ok    bool
	}{
		{"minimal institution", []directory.Institution{base}, nil, 0, true},
		{"replace keeps one item", []directory.Institution{{ID: "i1", Name: "Новое имя", Type: directory.TypePolyclinic,
			TimeZone: "Europe/Moscow", Licence: directory.Licence{Status: directory.LicenceRevoked, ValidUntil: &until}}}, nil, 0, true},
		{"more than one batch", manyInstitutions(60), nil, 0, true},
		{"empty lists", nil, nil, 0, true},
		{"empty institution id", []directory.Institution{{Name: "x"}}, nil, errs.Invalid, false},
		{"empty specialist id", nil, []directory.Specialist{{InstitutionID: "i1"}}, errs.Invalid, false},
		{"repeated id", []directory.Institution{base, base}, nil, errs.Invalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := st.PutDirectory(ctx, tt.insts, tt.specs)
			if tt.ok && err != nil || !tt.ok && !errs.Is(err, tt.kind) {
				t.Fatalf("PutDirectory err = %v, want ok=%v kind %v", err, tt.ok, tt.kind)
			}
			for _, in := range tt.insts {
				if !tt.ok {
					break
				}
				got, err := st.GetInstitution(ctx, in.ID)
				if err != nil || !reflect.DeepEqual(got, in) {
					t.Errorf("GetInstitution(%s) = %+v, %v; want %+v", in.ID, got, err, in)
				}
			}
		})
	}
	insts, _, err := st.LoadDirectory(ctx)
	if err != nil || len(insts) != 61 {
		t.Errorf("LoadDirectory = %d institutions, %v; want i1 and 60 more", len(insts), err)
	}
}

func manyInstitutions(n int) []directory.Institution {
	out := make([]directory.Institution, n)
	for i := range out {
		out[i] = directory.Institution{ID: fmt.Sprintf("many-%03d", i), Name: fmt.Sprintf("МФЦ № %d", i),
			Type: directory.TypeMFC, TimeZone: "Asia/Kamchatka", Lat: 53, Lon: 158.6, CancelDeadline: 90 * time.Minute}
	}
	return out
}

func TestDirectoryEmptyAndUnavailable(t *testing.T) {
	st, ctx := newDirStore(t)
	t.Run("empty table loads an empty directory", func(t *testing.T) {
		insts, specs, err := st.LoadDirectory(ctx)
		if err != nil || len(insts) != 0 || len(specs) != 0 {
			t.Errorf("LoadDirectory = %v, %v, %v", insts, specs, err)
		}
	})
	t.Run("a cancelled context is Unavailable", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := st.LoadDirectory(cctx); !errs.Is(err, errs.Unavailable) {
			t.Errorf("LoadDirectory err = %v, want Unavailable", err)
		}
	})
	t.Run("a cache over the store", func(t *testing.T) {
		insts, specs := directory.Demo()
		if err := st.PutDirectory(ctx, insts, specs); err != nil {
			t.Fatal(err)
		}
		c := &directory.Cache{Load: st.LoadDirectory}
		sp, err := c.Specialist(ctx, "spec-kgd-03-2")
		if err != nil || sp.Name != "Окно 2 — заграничный паспорт" {
			t.Errorf("Specialist = %+v, %v", sp, err)
		}
	})
}
