package ingest

import "github.com/kabinet/kabinet/shared/domain/errs"

// Reasons ingest decides (errs.Reason).
const (
	// ReasonDocumentNotFound (NotFound): an agency event names a document
	// the person's registry does not hold.
	ReasonDocumentNotFound errs.Reason = "document_not_found"
)
