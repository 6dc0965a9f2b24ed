package sharing

import (
	"strings"

	"github.com/google/uuid"
)

// A share's id seals (ids.Locator) where its staff read it: its owner and,
// when it fits, its document — the owner, a zero byte and the document id's
// 16 bytes (a UUID, as every id this service makes: 53 bytes for a Cognito
// sub, within ids.MaxSealed). Staff naming a share by id alone then read
// the share, record the read and read the document and its files at once.
// An id sealing the owner alone (made before, or for a document id that is
// no UUID) reads the share first; one not sealed by this key, its
// reference before that.

// seal is the id of a new share id of owner's document docID.
func (s *Service) seal(id, owner, docID string) string {
	if d, err := uuid.Parse(docID); err == nil && d.String() == docID && !strings.Contains(owner, "\x00") {
		if sealed := s.Locator.Seal(id, owner+"\x00"+string(d[:])); sealed != id {
			return sealed
		}
	}
	return s.Locator.Seal(id, owner)
}

// locate opens a share's id: the owner and the document it seals (docID
// "" for an id sealing the owner alone); false for an id this key did not
// seal.
func (s *Service) locate(id string) (owner, docID string, ok bool) {
	sealed, ok := s.Locator.Owner(id)
	if !ok {
		return "", "", false
	}
	if n := len(sealed) - len(uuid.UUID{}) - 1; n > 0 && sealed[n] == 0 {
		d, _ := uuid.FromBytes([]byte(sealed[n+1:]))
		return sealed[:n], d.String(), true
	}
	return sealed, "", true
}
