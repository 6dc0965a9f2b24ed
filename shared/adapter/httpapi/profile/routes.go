// Package profile is the profile function's HTTP handlers: a person's
// profile and contacts. Routes are functions.All's; Handlers maps each to
// its handler.
package profile

import (
	"maps"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/erasure"
	"github.com/kabinet/kabinet/shared/domain/family"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Handlers are the profile function's handlers, by route: the person's
// profile and contacts, and the erasure of the whole account.
func Handlers(svc *registry.Service, fam *family.Service, erasures *erasure.Service) httpapi.Handlers {
	h := httpapi.Handlers{
		"POST /profile/erasure":                       handleRequestErasure(erasures),
		"GET /profile/erasure":                        handleGetErasure(erasures),
		"GET /profile":                                handleGetProfile(svc),
		"PUT /profile":                                handlePutProfile(svc),
		"POST /profile/contacts/verify":               handleVerify(svc),
		"POST /profile/contacts/resend":               handleResend(svc),
		"DELETE /profile/contacts/sharers/{sharerId}": handleRemoveSharer(svc),
	}
	// The people the holder acts for are the profile's too.
	maps.Copy(h, familyHandlers(fam))
	return h
}
