package httpapi

import "testing"

func TestManagerOf(t *testing.T) {
	manager := Identity{Sub: "head", Groups: []string{GroupManager}, Agency: "minzdrav", Institution: "inst-1", Org: "org-1"}
	staff := Identity{Sub: "clerk", Groups: []string{"staff"}, Agency: "minzdrav"}
	for _, c := range []struct {
		name        string
		id          Identity
		kind, scope string
		want        bool
	}{
		{"agency manager", manager, "agency", "minzdrav", true},
		{"institution manager", manager, "institution", "inst-1", true},
		{"org manager", manager, "org", "org-1", true},
		{"another agency", manager, "agency", "fns", false},
		{"another institution", manager, "institution", "inst-2", false},
		{"another org", manager, "org", "org-2", false},
		{"no scope asked", manager, "agency", "", false},
		{"no claim", Identity{Sub: "head", Groups: []string{GroupManager}}, "agency", "", false},
		{"unknown kind", manager, "region", "minzdrav", false},
		{"staff of the agency is no manager", staff, "agency", "minzdrav", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.id.ManagerOf(c.kind, c.scope); got != c.want {
				t.Errorf("ManagerOf(%q, %q) = %v, want %v", c.kind, c.scope, got, c.want)
			}
		})
	}
}
