package main

import (
	"context"

	"github.com/kabinet/kabinet/shared/domain/opt"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// demoUser is the person the demo data belongs to.
const demoUser = "alice"

// seed gives the demo user a profile and a set of documents in every status,
// through the registry service so the same rules apply as for API calls. It
// runs once: a user with a saved profile is left alone. It returns a line
// for the banner.
func seed(ctx context.Context, svc *registry.Service) (string, error) {
	p, err := svc.Store.GetProfile(ctx, demoUser)
	if err != nil {
		return "", err
	}
	if p.Version > 0 {
		return "Demo data for \"alice\" is in place (kept from an earlier run).", nil
	}
	if _, err := svc.PutProfile(ctx, demoUser, registry.ProfileInput{
		Name: "Алиса Демо", BirthDate: "1990-04-12", TimeZone: "Europe/Moscow", Language: "ru",
		Email: "alice@example.test", Phone: "+79990000001",
	}, nil); err != nil {
		return "", err
	}
	// Dates are relative to today, so the statuses are the same whenever the demo starts.
	today := svc.Now()
	day := func(years, months, days int) opt.Value[string] {
		return opt.Of(today.AddDate(years, months, days).Format("2006-01-02"))
	}
	docs := []registry.CreateInput{
		{Type: string(registry.InternalPassport), DocumentFields: registry.DocumentFields{Number: opt.Of("4510 123456"), IssuedOn: opt.Of("2010-05-01")}},
		{Type: string(registry.ForeignPassport), DocumentFields: registry.DocumentFields{Number: opt.Of("75 1234567"), IssuedOn: day(-10, 2, 0)}},
		{Type: string(registry.DriversLicence), DocumentFields: registry.DocumentFields{Number: opt.Of("77АВ 123456"), IssuedOn: day(-10, 0, -20)}},
		{Type: string(registry.OSAGO), DocumentFields: registry.DocumentFields{IssuedOn: day(-1, 0, 20)}},
		{Type: string(registry.SNILS), DocumentFields: registry.DocumentFields{Number: opt.Of("112-233-445 95")}},
		{Type: string(registry.Custom), DocumentFields: registry.DocumentFields{Title: opt.Of("Абонемент в бассейн"), ExpiresOn: day(0, 5, 0)}},
	}
	for _, in := range docs {
		if _, _, err := svc.CreateDocument(ctx, demoUser, in, nil); err != nil {
			return "", err
		}
	}
	return "Demo data: \"alice\" has a profile and 6 documents (valid, expiring, expired).", nil
}
