package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
	"github.com/kabinet/kabinet/shared/app"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/ids"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// demoHolder keeps the documents of a daughter who turned 18 ten days ago,
// waiting to be handed over to her own account (demoGrownUp, who is not
// seeded: she signs in and redeems the holder's code).
const (
	demoHolder  = "marina"
	demoGrownUp = "anna"
)

// seedFamily gives demoHolder a child added a month ago, while a minor, who
// has since turned 18, with one document of hers: the hand-over can be
// tried (and the browser test tries it) without waiting 18 years. The
// services run a month back, as when the child was added; the pipeline
// offers the hand-over at its next run. It runs once.
func seedFamily(ctx context.Context, st *allstore.Store) (string, error) {
	p, err := st.GetProfile(ctx, demoHolder)
	if err != nil {
		return "", err
	}
	if p.Version > 0 {
		return "", nil
	}
	now := time.Now()
	then := func() time.Time { return now.AddDate(0, -1, 0) }
	docs := &registry.Service{Store: st, Now: then, NewID: ids.New}
	if _, err := docs.PutProfile(ctx, demoHolder, registry.ProfileInput{Name: "Марина Демо", BirthDate: "1980-03-15",
		TimeZone: "Europe/Moscow", Language: "ru"}, nil); err != nil {
		return "", err
	}
	fam := app.Family(st, then)
	docs.Subjects = fam
	var in family.Input
	born := now.AddDate(-family.AdultAge, 0, -10).Format(time.DateOnly)
	if err := json.Unmarshal([]byte(`{"name":"Анна","birthDate":"`+born+`","relation":"child"}`), &in); err != nil {
		return "", err
	}
	kid, _, _, err := fam.Create(ctx, demoHolder, in, nil)
	if err != nil {
		return "", err
	}
	var doc registry.CreateInput
	if err := json.Unmarshal([]byte(`{"type":"custom","title":"Аттестат о среднем образовании","subject":"`+kid.ID+`"}`), &doc); err != nil {
		return "", err
	}
	if _, _, err := docs.CreateDocument(ctx, demoHolder, doc, nil); err != nil {
		return "", err
	}
	return "Demo family: \"marina\" keeps the documents of Анна (born " + born + ", 18 ten days ago), to hand over to \"anna\" (birth date " + born + " in her profile).", nil
}
