package appstore_test

import (
	"context"
	"testing"

	"github.com/kabinet/kabinet/internal/emulators/emutest"
	"github.com/kabinet/kabinet/internal/testenv"
	"github.com/kabinet/kabinet/shared/adapter/store/allstore"
)

func TestMain(m *testing.M) { emutest.Main(m) }

// newDirStore returns every domain's store on a fresh table in DynamoDB
// Local (an application's tests read its notifications too).
func newDirStore(t *testing.T) (*allstore.Store, context.Context) {
	t.Helper()
	cl, name := testenv.Table(t, "app")
	return allstore.New(cl.DynamoDB, name), context.Background()
}
