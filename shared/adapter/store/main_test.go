package store_test

import (
	"context"
	"testing"

	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// newDirStore returns a Store on a fresh table in DynamoDB Local.
func newDirStore(t *testing.T) (*store.Store, context.Context) {
	t.Helper()
	cl, name := testenv.Table(t, "dir")
	return store.New(cl.DynamoDB, name), context.Background()
}
