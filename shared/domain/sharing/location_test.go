package sharing

import (
	"strings"
	"testing"

	"github.com/kabinet/kabinet/shared/domain/ids"
)

// TestShareIDLocates: a share's id opens to its owner and document when
// both fit, to its owner alone otherwise, and to nothing under another key
// or none.
func TestShareIDLocates(t *testing.T) {
	key := ids.NewLocator([]byte("the key"))
	sub := "0b6c1f4e-3a52-4c1b-8f1e-7d2a9c4e5f60" // a Cognito sub
	doc := "0199a3b2-6f1e-7c3d-9a4b-0123456789ab"
	id := "0199a3b2-6f1e-7c3d-9a4b-aaaaaaaaaaaa"
	for _, tc := range []struct {
		name             string
		seal, open       *ids.Locator
		owner, docID     string
		wantOwner, wantD string
		wantOK           bool
	}{
		{"a sub and a document", key, key, sub, doc, sub, doc, true},
		{"a short owner", key, key, "alice", doc, "alice", doc, true},
		{"a document id that is no UUID", key, key, sub, "doc-1", sub, "", true},
		{"a document id in capitals", key, key, sub, strings.ToUpper(doc), sub, "", true},
		{"an owner too long for both", key, key, strings.Repeat("a", 50), doc, strings.Repeat("a", 50), "", true},
		{"an owner too long to seal", key, key, strings.Repeat("a", ids.MaxSealed+1), doc, "", "", false},
		{"another key", key, ids.NewLocator([]byte("another key")), sub, doc, "", "", false},
		{"no key", nil, key, sub, doc, "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sealed := (&Service{Locator: tc.seal}).seal(id, tc.owner, tc.docID)
			if len(sealed) > 128 {
				t.Errorf("the id is %d characters, more than a path parameter may have", len(sealed))
			}
			owner, docID, ok := (&Service{Locator: tc.open}).locate(sealed)
			if owner != tc.wantOwner || docID != tc.wantD || ok != tc.wantOK {
				t.Errorf("locate(seal(%q, %q)) = %q, %q, %v; want %q, %q, %v", tc.owner, tc.docID, owner, docID, ok, tc.wantOwner, tc.wantD, tc.wantOK)
			}
		})
	}
}
