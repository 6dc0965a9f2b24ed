package civil

import (
	"sync"
	"time"
)

// Zone is the location of an IANA time zone name, loaded once per process:
// time.LoadLocation reads and parses the zone file on every call (an open
// and a read per request wherever a date is shown or counted). Only zones
// that load are kept, so the cache is bounded by the zone database whatever
// names reach it; a *time.Location is immutable and safe to share. Any
// caller may use it. Errors: time.LoadLocation's, for a name it does not
// know ("" is UTC and "Local" the server's zone, as there: callers that
// must refuse them do so themselves).
func Zone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

var zones sync.Map // name → *time.Location
