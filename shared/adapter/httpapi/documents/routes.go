// Package documents is the documents function's HTTP handlers: the document
// registry (a person's documents, their history and archive, reminders' ack
// and snooze), the document type catalogue, documents' electronic copies
// (files and their detached signatures) and sharing a document with an
// institution. Routes are functions.All's;
// Handlers maps each to its handler.
package documents

import (
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/files"
	"github.com/kabinet/kabinet/shared/domain/registry"
	"github.com/kabinet/kabinet/shared/domain/sharing"
)

// Handlers are the documents function's handlers, by route: the document
// registry (documents, their history and archive, reminders' ack and snooze)
// and the catalogue of document types; fs the documents' files and their
// signatures; sh documents shared with institutions (the staff's route too).
func Handlers(svc *registry.Service, fs *files.Service, sh *sharing.Service) httpapi.Handlers {
	return httpapi.Handlers{
		"GET /document-types":                               handleDocumentTypes(svc),
		"POST /documents":                                   handleCreateDocument(svc),
		"GET /documents":                                    handleListDocuments(svc),
		"GET /documents/{id}":                               handleGetDocument(svc),
		"PATCH /documents/{id}":                             handleUpdateDocument(svc),
		"DELETE /documents/{id}":                            handleDeleteDocument(svc),
		"POST /documents/{id}/archive":                      handleArchive(svc, true),
		"POST /documents/{id}/unarchive":                    handleArchive(svc, false),
		"GET /documents/{id}/history":                       handleHistory(svc),
		"POST /documents/{id}/reminders/ack":                handleAckReminder(svc),
		"POST /documents/{id}/reminders/snooze":             handleSnoozeReminder(svc),
		"POST /documents/{id}/files":                        handleBeginFile(fs),
		"GET /documents/{id}/files":                         handleListFiles(fs),
		"GET /documents/{id}/files/{fileId}":                handleGetFile(fs),
		"DELETE /documents/{id}/files/{fileId}":             handleDeleteFile(fs),
		"POST /documents/{id}/files/{fileId}/complete":      handleCompleteFile(fs),
		"POST /documents/{id}/files/{fileId}/signatures":    handleAddSignature(fs),
		"POST /documents/{id}/shares":                       handleCreateShare(sh),
		"GET /documents/{id}/shares":                        handleListShares(sh),
		"DELETE /documents/{id}/shares/{shareId}":           handleRevokeShare(sh),
		"GET /institutions/{id}/shared-documents":           handleSharedDocuments(sh),
		"GET /institutions/{id}/shared-documents/{shareId}": handleSharedDocument(sh),
	}
}
