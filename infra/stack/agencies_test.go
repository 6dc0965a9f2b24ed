package stack

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestAgencyBusPolicy (issue 15, point 1, infra): GIVEN agency accounts by
// issuing party WHEN the stack is synthesized THEN the agencies bus has one
// policy statement per party, letting that account put events only with
// its own source gov.agency.<party>, and no statement for anyone else.
func TestAgencyBusPolicy(t *testing.T) {
	_, tj := synth(t)
	want := map[string]string{}
	for party, account := range testProps.AgencyAccounts {
		want["arn:aws:iam::"+account+":root"] = "gov.agency." + party
	}
	// laboratories likewise, each with its own gov.lab.<lab> (issue 16)
	for lab, account := range testProps.LabAccounts {
		want["arn:aws:iam::"+account+":root"] = "gov.lab." + lab
	}
	policies := resources(tj, "AWS::Events::EventBusPolicy")
	if len(policies) != len(want) {
		t.Fatalf("%d bus policies, want %d (one per agency and laboratory account)", len(policies), len(want))
	}
	for id, r := range policies {
		b, _ := json.Marshal(props(r))
		var p struct {
			Statement struct {
				Effect    string
				Principal struct{ AWS string }
				Action    string
				Condition struct {
					StringEquals map[string]string
				}
			}
		}
		if err := json.Unmarshal(b, &p); err != nil {
			t.Fatal(err)
		}
		if on := fmt.Sprint(props(r)["EventBusName"]); !strings.Contains(on, busID(agenciesBus)) {
			t.Errorf("%s is on %s, not the agencies bus", id, on)
		}
		st := p.Statement
		src, ok := want[st.Principal.AWS]
		if !ok || st.Effect != "Allow" || st.Action != "events:PutEvents" ||
			len(st.Condition.StringEquals) != 1 || st.Condition.StringEquals["events:source"] != src {
			t.Errorf("%s: %s, want %s to put only source %s", id, b, st.Principal.AWS, src)
		}
		delete(want, st.Principal.AWS)
	}
	if len(want) != 0 {
		t.Errorf("no statement for %v", want)
	}
}
