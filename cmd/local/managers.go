package main

import (
	"fmt"
	"strings"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/applications"
)

// demoManager is a manager the local runner offers for the dashboards:
// the token /dev/token issues for Identity reads the stats of that scope.
// Managers hold nothing in the table (their scope is their token's claim),
// so these are the demo seed's managers.
type demoManager struct {
	Identity httpapi.Identity
	Scope    string // what the banner says they manage
}

// demoManagers are the heads of the demo agency (minzdrav: the medical
// certificates of the demo's applications), of the demo polyclinic
// inst-msk-01 and of the demo organisation org-romashka of the README.
var demoManagers = []demoManager{
	{httpapi.Identity{Sub: "head-minzdrav", Groups: []string{httpapi.GroupManager}, Agency: applications.AgencyMinzdrav}, "agency " + applications.AgencyMinzdrav},
	{httpapi.Identity{Sub: "head-msk-01", Groups: []string{httpapi.GroupManager}, Institution: "inst-msk-01"}, "institution inst-msk-01"},
	{httpapi.Identity{Sub: "head-romashka", Groups: []string{httpapi.GroupManager}, Org: "org-romashka"}, "organisation org-romashka"},
}

// managersBanner is the banner's lines naming the demo managers and the
// /dev/token body that signs in as each.
func managersBanner() string {
	var b strings.Builder
	b.WriteString("Managers' dashboards (group manager; POST /dev/token with the body shown):\n")
	for _, m := range demoManagers {
		id := m.Identity
		claim := fmt.Sprintf(`"agency":%q`, id.Agency)
		switch {
		case id.Institution != "":
			claim = fmt.Sprintf(`"institution":%q`, id.Institution)
		case id.Org != "":
			claim = fmt.Sprintf(`"org":%q`, id.Org)
		}
		fmt.Fprintf(&b, "  %-14s %-28s {\"sub\":%q,\"groups\":[%q],%s}\n", id.Sub, m.Scope, id.Sub, httpapi.GroupManager, claim)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
