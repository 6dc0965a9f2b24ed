// Package aggregate composes the stats aggregator: the managers'
// dashboards' counters kept from the table's change stream. The
// stats-aggregator function, the local runner and the tests build it here
// alike; it links the stores of the items it reads and the directory, no
// HTTP handler.
package aggregate

import (
	"context"
	"time"

	"github.com/kabinet/kabinet/shared/adapter/store"
	"github.com/kabinet/kabinet/shared/adapter/store/dirstore"
	"github.com/kabinet/kabinet/shared/adapter/store/statsfeed"
	"github.com/kabinet/kabinet/shared/adapter/store/statsstore"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/stats/changes"
)

// New is the aggregator on st's table: the Russian production calendar
// for working days, the directory's institutions for the zone of a slot's
// day (read once a batch through the cache, a Query every few minutes).
func New(st *store.Store, now func() time.Time) *statsfeed.Aggregator {
	places := &directory.Cache{Load: dirstore.New(st).LoadDirectory, Now: now}
	return &statsfeed.Aggregator{
		Store: statsstore.New(st),
		// the production calendar: workdays.Default, parsed at the first
		// decision counted, not at the function's start
		Rules: changes.Rules{},
		Zones: func(ctx context.Context) (func(string) string, error) {
			idx, err := places.Index(ctx)
			if err != nil {
				return nil, err
			}
			return func(id string) string {
				inst, err := idx.Institution(id)
				if err != nil {
					return "" // an institution gone from the directory: Moscow's days, as for its old and new state alike
				}
				return inst.TimeZone
			}, nil
		},
	}
}
