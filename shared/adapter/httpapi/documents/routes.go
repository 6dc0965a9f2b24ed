// Package documents is the documents function's HTTP handlers: the document
// registry (a person's documents, their history and archive, reminders' ack
// and snooze) and the document type catalogue. Routes are functions.All's;
// Handlers maps each to its handler.
package documents

import (
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/registry"
)

// Handlers are the documents function's handlers, by route: the document
// registry (documents, their history and archive, reminders' ack and snooze)
// and the catalogue of document types.
func Handlers(svc *registry.Service) httpapi.Handlers {
	return httpapi.Handlers{
		"GET /document-types":                   handleDocumentTypes(svc),
		"POST /documents":                       handleCreateDocument(svc),
		"GET /documents":                        handleListDocuments(svc),
		"GET /documents/{id}":                   handleGetDocument(svc),
		"PATCH /documents/{id}":                 handleUpdateDocument(svc),
		"DELETE /documents/{id}":                handleDeleteDocument(svc),
		"POST /documents/{id}/archive":          handleArchive(svc, true),
		"POST /documents/{id}/unarchive":        handleArchive(svc, false),
		"GET /documents/{id}/history":           handleHistory(svc),
		"POST /documents/{id}/reminders/ack":    handleAckReminder(svc),
		"POST /documents/{id}/reminders/snooze": handleSnoozeReminder(svc),
	}
}
