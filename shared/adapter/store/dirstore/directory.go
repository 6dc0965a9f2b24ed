package dirstore

import (
	"context"
	"fmt"
	"github.com/kabinet/kabinet/shared/adapter/store"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

var _ directory.Store = (*Store)(nil)

// The directory's items share one partition, so the whole directory loads
// with a Query (never a Scan) and nothing else in the table is read:
//
//	pk     sk              item
//	DIR    INST#<instId>   an institution (kind "institution")
//	DIR    SPEC#<specId>   a specialist or service window (kind "specialist")
//
// The directory is small (thousands of items at most) and read through
// directory.Cache, a few queries per warm container every few minutes, so
// the single partition is not hot. SPEC# here is a sort key in DIR; the
// appointment book's SPEC#<specId> partitions (booking_items.go) are unrelated.
const (
	dirPK              = "DIR"
	dirInstPrefix      = "INST#"
	dirSpecPrefix      = "SPEC#"
	kindDirInstitution = "institution"
	kindDirSpecialist  = "specialist"
)

type dirInstitutionItem struct {
	PK             string          `dynamodbav:"pk"`
	SK             string          `dynamodbav:"sk"`
	Kind           string          `dynamodbav:"kind"`
	ID             string          `dynamodbav:"id"`
	Name           string          `dynamodbav:"name"`
	Type           string          `dynamodbav:"type"`
	INN            string          `dynamodbav:"inn,omitempty"`
	Address        string          `dynamodbav:"address,omitempty"`
	City           string          `dynamodbav:"city,omitempty"`
	Phone          string          `dynamodbav:"phone,omitempty"`
	TimeZone       string          `dynamodbav:"timeZone"`
	Lat            float64         `dynamodbav:"lat"`
	Lon            float64         `dynamodbav:"lon"`
	Hours          []dirHoursAttr  `dynamodbav:"hours,omitempty"`
	Licence        *dirLicenceAttr `dynamodbav:"licence,omitempty"`
	CancelDeadline int64           `dynamodbav:"cancelDeadlineSeconds,omitempty"`
}

type dirHoursAttr struct {
	Weekday int    `dynamodbav:"weekday"` // 0 = Sunday, as time.Weekday
	Open    string `dynamodbav:"open"`
	Close   string `dynamodbav:"close"`
}

type dirLicenceAttr struct {
	Number     string `dynamodbav:"number,omitempty"`
	Status     string `dynamodbav:"status,omitempty"`
	ValidUntil string `dynamodbav:"validUntil,omitempty"` // YYYY-MM-DD
}

type dirSpecialistItem struct {
	PK             string   `dynamodbav:"pk"`
	SK             string   `dynamodbav:"sk"`
	Kind           string   `dynamodbav:"kind"`
	ID             string   `dynamodbav:"id"`
	InstitutionID  string   `dynamodbav:"institutionId"`
	Name           string   `dynamodbav:"name"`
	Specialization string   `dynamodbav:"specialization"`
	Rating         float64  `dynamodbav:"rating"`
	Reviews        int      `dynamodbav:"reviews"`
	Certificates   []string `dynamodbav:"certificates,omitempty"`
	Price          int      `dynamodbav:"price"`
	Modes          []string `dynamodbav:"modes,omitempty"`
	MinAge         int      `dynamodbav:"minAge,omitempty"`
	MaxAge         int      `dynamodbav:"maxAge,omitempty"`
}

func fromDirInstitution(in directory.Institution) dirInstitutionItem {
	it := dirInstitutionItem{PK: dirPK, SK: dirInstPrefix + in.ID, Kind: kindDirInstitution,
		ID: in.ID, Name: in.Name, Type: in.Type, INN: in.INN, Address: in.Address, City: in.City,
		Phone: in.Phone, TimeZone: in.TimeZone, Lat: in.Lat, Lon: in.Lon,
		CancelDeadline: int64(in.CancelDeadline / time.Second)}
	for _, h := range in.Hours {
		it.Hours = append(it.Hours, dirHoursAttr{Weekday: int(h.Weekday), Open: h.Open, Close: h.Close})
	}
	if l := in.Licence; l != (directory.Licence{}) {
		it.Licence = &dirLicenceAttr{Number: l.Number, Status: l.Status, ValidUntil: store.DateString(l.ValidUntil)}
	}
	return it
}

func (it dirInstitutionItem) institution() (directory.Institution, error) {
	in := directory.Institution{ID: it.ID, Name: it.Name, Type: it.Type, INN: it.INN, Address: it.Address,
		City: it.City, Phone: it.Phone, TimeZone: it.TimeZone, Lat: it.Lat, Lon: it.Lon,
		CancelDeadline: time.Duration(it.CancelDeadline) * time.Second}
	for _, h := range it.Hours {
		in.Hours = append(in.Hours, directory.Hours{Weekday: time.Weekday(h.Weekday), Open: h.Open, Close: h.Close})
	}
	if l := it.Licence; l != nil {
		until, err := store.ParseDate(l.ValidUntil)
		if err != nil {
			return directory.Institution{}, fmt.Errorf("institution %s: licence validUntil: %w", it.ID, err)
		}
		in.Licence = directory.Licence{Number: l.Number, Status: l.Status, ValidUntil: until}
	}
	return in, nil
}

func fromDirSpecialist(sp directory.Specialist) dirSpecialistItem {
	return dirSpecialistItem{PK: dirPK, SK: dirSpecPrefix + sp.ID, Kind: kindDirSpecialist,
		ID: sp.ID, InstitutionID: sp.InstitutionID, Name: sp.Name, Specialization: sp.Specialization,
		Rating: sp.Rating, Reviews: sp.Reviews, Certificates: sp.Certificates, Price: sp.Price, Modes: sp.Modes,
		MinAge: sp.MinAge, MaxAge: sp.MaxAge}
}

func (it dirSpecialistItem) specialist() directory.Specialist {
	return directory.Specialist{ID: it.ID, InstitutionID: it.InstitutionID, Name: it.Name,
		Specialization: it.Specialization, Rating: it.Rating, Reviews: it.Reviews,
		Certificates: it.Certificates, Price: it.Price, Modes: it.Modes, MinAge: it.MinAge, MaxAge: it.MaxAge}
}

// PutDirectory implements directory.Store: it creates or replaces every
// given institution and specialist, in batches of 25, without conditions.
// Items not in the lists are left alone, so it is an upsert, not a sync.
// The seeding tool and the local runner call it (with directory.Demo()).
// Errors: Invalid (an empty or repeated id), Unavailable, Internal.
func (s *Store) PutDirectory(ctx context.Context, insts []directory.Institution, specs []directory.Specialist) error {
	const op = "store.PutDirectory"
	reqs := make([]types.WriteRequest, 0, len(insts)+len(specs))
	seen := make(map[string]bool, cap(reqs))
	add := func(sk string, item any) error {
		if sk == dirInstPrefix || sk == dirSpecPrefix || seen[sk] {
			// BatchWriteItem refuses a batch with two writes to one key.
			return errs.E(op, errs.Invalid, fmt.Errorf("empty or repeated id: %q", sk))
		}
		seen[sk] = true
		av, err := attributevalue.MarshalMap(item)
		if err != nil {
			return errs.E(op, errs.Internal, err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
		return nil
	}
	for _, in := range insts {
		it := fromDirInstitution(in)
		if err := add(it.SK, it); err != nil {
			return err
		}
	}
	for _, sp := range specs {
		it := fromDirSpecialist(sp)
		if err := add(it.SK, it); err != nil {
			return err
		}
	}
	for chunk := range slices.Chunk(reqs, 25) {
		if err := s.BatchWrite(ctx, chunk); err != nil {
			return store.Wrap(op, err)
		}
	}
	return nil
}

// LoadDirectory implements directory.Store: it reads the DIR partition
// page by page, institutions and specialists each in id order. Items of
// other kinds in the partition are skipped, so it can grow. directory.Cache
// calls it through its Load field. Errors: Unavailable, Internal.
func (s *Store) LoadDirectory(ctx context.Context) ([]directory.Institution, []directory.Specialist, error) {
	const op = "store.LoadDirectory"
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName:                 aws.String(s.Table),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: dirPK}},
	})
	var insts []directory.Institution
	var specs []directory.Specialist
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, store.Wrap(op, err)
		}
		for _, av := range page.Items {
			kind, _ := av["kind"].(*types.AttributeValueMemberS)
			switch {
			case kind == nil:
				continue
			case kind.Value == kindDirInstitution:
				var it dirInstitutionItem
				if err := attributevalue.UnmarshalMap(av, &it); err != nil {
					return nil, nil, errs.E(op, errs.Internal, err)
				}
				in, err := it.institution()
				if err != nil {
					return nil, nil, errs.E(op, errs.Internal, err)
				}
				insts = append(insts, in)
			case kind.Value == kindDirSpecialist:
				var it dirSpecialistItem
				if err := attributevalue.UnmarshalMap(av, &it); err != nil {
					return nil, nil, errs.E(op, errs.Internal, err)
				}
				specs = append(specs, it.specialist())
			}
		}
	}
	return insts, specs, nil
}

// GetInstitution implements directory.Store: one institution read straight
// from the table, for tools and for callers that must not wait for the
// cache. Errors: NotFound, Unavailable, Internal.
func (s *Store) GetInstitution(ctx context.Context, id string) (directory.Institution, error) {
	const op = "store.GetInstitution"
	var it dirInstitutionItem
	if err := s.getDirItem(ctx, op, dirInstPrefix+id, &it); err != nil {
		return directory.Institution{}, err
	}
	in, err := it.institution()
	if err != nil {
		return directory.Institution{}, errs.E(op, errs.Internal, err)
	}
	return in, nil
}

// GetSpecialist implements directory.Store, like GetInstitution.
// Errors: NotFound, Unavailable, Internal.
func (s *Store) GetSpecialist(ctx context.Context, id string) (directory.Specialist, error) {
	const op = "store.GetSpecialist"
	var it dirSpecialistItem
	if err := s.getDirItem(ctx, op, dirSpecPrefix+id, &it); err != nil {
		return directory.Specialist{}, err
	}
	return it.specialist(), nil
}

// getDirItem reads the DIR item with sort key sk into out.
func (s *Store) getDirItem(ctx context.Context, op, sk string, out any) error {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: store.Key(dirPK, sk)})
	if err != nil {
		return store.Wrap(op, err)
	}
	if res.Item == nil {
		return errs.E(op, errs.NotFound, nil)
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return errs.E(op, errs.Internal, err)
	}
	return nil
}
