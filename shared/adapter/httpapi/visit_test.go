package httpapi_test

import (
	"bytes"
	"github.com/digitorus/pdfsign/verify"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestVideoJoinLinkOpensBeforeTheStart: a video booking's link is given
// from 15 minutes before the start until its end; before, only when it
// opens.
func TestVideoJoinLinkOpensBeforeTheStart(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1))
	start := local(zoneKgd, "2026-06-16 09:00")
	r := e.do(req{method: "POST", path: "/bookings", token: e.token("alice"), body: bookBody(kgd(kgdTherapist, "2026-06-16 09:00"), "video")})
	if r.status != http.StatusCreated {
		t.Fatalf("book: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	for _, tc := range []struct {
		name string
		at   time.Time
		link bool
	}{
		{"a day before", start.Add(-24 * time.Hour), false},
		{"16 minutes before", start.Add(-16 * time.Minute), false},
		{"15 minutes before", start.Add(-15 * time.Minute), true},
		{"during the visit", start.Add(10 * time.Minute), true},
		{"at its end", start.Add(30 * time.Minute), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.clock.Set(tc.at)
			b := e.do(req{method: "GET", path: "/bookings/" + id, token: e.token("alice")}).json(t)
			link, _ := b["videoLink"].(string)
			if (link != "") != tc.link || (tc.link && !strings.HasSuffix(link, "/"+id)) {
				t.Errorf("videoLink = %q, want given: %v", link, tc.link)
			}
			if b["videoOpensAt"] != start.Add(-15*time.Minute).In(mustZone(zoneKgd)).Format(time.RFC3339) {
				t.Errorf("videoOpensAt = %v", b["videoOpensAt"])
			}
		})
	}
}

// TestVisitGivesDocumentsAndReferrals: staff close a video visit with an
// act, two prescriptions and a referral: the act and each prescription are
// documents of the patient's registry (a prescription expiring on its last
// day, in the due index for its reminder), the referral books the
// specialization it names once; bad input writes nothing.
func TestVisitGivesDocumentsAndReferrals(t *testing.T) {
	e := newBookingEnv(t)
	e.setSchedule(kgdPoly, kgdTherapist, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1))
	e.setSchedule(kgdPoly, kgdPediatric, weekdaysPlan("09:00", "10:00", nil, 30, 20, 1))
	start := local(zoneKgd, "2026-06-16 09:00")
	r := e.do(req{method: "POST", path: "/bookings", token: e.token("alice"), body: bookBody(kgd(kgdTherapist, "2026-06-16 09:00"), "video")})
	if r.status != http.StatusCreated {
		t.Fatalf("book: %d %s", r.status, r.body)
	}
	id := r.json(t)["id"].(string)
	e.clock.Set(start.Add(20 * time.Minute))
	staff := e.staff(kgdPoly)
	visit := func(body map[string]any) resp {
		return e.do(req{method: "POST", path: "/bookings/" + id + "/visit", token: staff, body: body})
	}

	t.Run("bad input writes nothing", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			body   map[string]any
			fields []string
		}{
			{"a prescription without a drug", map[string]any{"outcome": "completed", "prescriptions": []any{map[string]any{"dose": "1", "until": "2026-07-01"}}},
				[]string{"prescriptions[0].drug:required"}},
			{"a prescription ending before today", map[string]any{"outcome": "completed", "prescriptions": []any{
				map[string]any{"drug": "Ибупрофен", "until": "2026-07-01"}, map[string]any{"drug": "Парацетамол", "until": "2026-06-15"}}},
				[]string{"prescriptions[1].until:before_today"}},
			{"a prescription without an end", map[string]any{"outcome": "completed", "prescriptions": []any{map[string]any{"drug": "Ибупрофен"}}},
				[]string{"prescriptions[0].until:required"}},
			{"a referral to no known specialization", map[string]any{"outcome": "completed", "referrals": []any{map[string]any{"specialization": "Астролог", "until": "2026-07-01"}}},
				[]string{"referrals[0].specialization:unknown_specialization"}},
			{"an act for a no-show", map[string]any{"outcome": "no_show", "act": "Осмотр"}, []string{"act:not_for_no_show"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := e.rawItems("alice")
				assertType(t, visit(tc.body), http.StatusUnprocessableEntity, "validation", tc.fields...)
				if after := e.rawItems("alice"); !reflect.DeepEqual(before, after) {
					t.Errorf("the patient's items changed")
				}
			})
		}
	})

	r = visit(map[string]any{"outcome": "completed", "comment": "Повторить анализ через месяц", "act": "Консультация проведена",
		"prescriptions": []any{
			map[string]any{"drug": "Амоксициллин", "dose": "500 мг 3 раза в день", "until": "2026-06-26"},
			map[string]any{"drug": "Витамин D", "until": "2026-09-16"}},
		"referrals": []any{map[string]any{"specialization": "педиатр", "until": "2026-06-30"}}})
	if r.status != http.StatusOK {
		t.Fatalf("visit: %d %s", r.status, r.body)
	}
	b := e.do(req{method: "GET", path: "/bookings/" + id, token: e.token("alice")}).json(t)
	rx, _ := b["prescriptions"].([]any)
	refs, _ := b["referrals"].([]any)
	if b["act"] != "Консультация проведена" || b["actDocumentId"] == nil || len(rx) != 2 || len(refs) != 1 || b["staffComment"] != "Повторить анализ через месяц" {
		t.Fatalf("the patient's visit: %v", b)
	}

	t.Run("the act and the prescriptions are documents of the registry", func(t *testing.T) {
		docs := map[string]map[string]any{}
		for _, d := range items(e.do(req{method: "GET", path: "/documents", token: e.token("alice")}).json(t)) {
			docs[d["id"].(string)] = d
		}
		act := docs[b["actDocumentId"].(string)]
		if act == nil || act["type"] != "visit_act" || act["expiresOn"] != nil || act["issuer"] != kgdPoly {
			t.Errorf("the act's document: %v", act)
		}
		first := docs[rx[0].(map[string]any)["documentId"].(string)]
		if first == nil || first["type"] != "e_prescription" || first["expiresOn"] != "2026-06-26" || !strings.Contains(first["title"].(string), "Амоксициллин") {
			t.Errorf("the prescription's document: %v", first)
		}
		// reminded about before it lapses: the document is in the due index
		// for its step 3 days before, at 09:00 in the patient's zone
		it := e.rawItem("USER#alice", "DOC#"+first["id"].(string))
		due, _ := it["nextRemindAt"].(*types.AttributeValueMemberS)
		if due == nil || !strings.HasPrefix(due.Value, "2026-06-23T06:00") {
			t.Errorf("the prescription's next reminder: %v, want 2026-06-23 09:00 Moscow", it["nextRemindAt"])
		}
	})

	t.Run("the act and each prescription are signed PDFs in the patient's language", func(t *testing.T) {
		for _, tc := range []struct {
			path, lang string
			status     int
		}{
			{"/bookings/" + id + "/act.pdf", "", http.StatusOK},
			{"/bookings/" + id + "/act.pdf", "en", http.StatusOK},
			{"/bookings/" + id + "/prescriptions/1/prescription.pdf", "", http.StatusOK},
			{"/bookings/" + id + "/prescriptions/2/prescription.pdf", "en", http.StatusOK},
			{"/bookings/" + id + "/prescriptions/3/prescription.pdf", "", http.StatusNotFound},
			{"/bookings/" + id + "/prescriptions/0/prescription.pdf", "", http.StatusNotFound},
		} {
			h := map[string]string{}
			if tc.lang != "" {
				h["Accept-Language"] = tc.lang
			}
			r := e.do(req{method: "GET", path: tc.path, token: e.token("alice"), header: h})
			if r.status != tc.status {
				t.Errorf("%s: %d, want %d: %s", tc.path, r.status, tc.status, r.body)
				continue
			}
			if tc.status != http.StatusOK {
				continue
			}
			if ct := r.header.Get("Content-Type"); ct != "application/pdf" {
				t.Errorf("%s: Content-Type %q", tc.path, ct)
			}
			opts := verify.DefaultVerifyOptions()
			opts.AllowUntrustedRoots = true // the test key is self-signed
			opts.TrustSignatureTime = true
			res, err := verify.VerifyWithOptions(bytes.NewReader(r.body), int64(len(r.body)), opts)
			if err != nil {
				t.Fatalf("%s: %v", tc.path, err)
			}
			if len(res.Signers) != 1 || !res.Signers[0].ValidSignature {
				t.Errorf("%s: signatures %+v, want one valid", tc.path, res.Signers)
			}
			tampered := bytes.Clone(r.body)
			if i := bytes.Index(tampered, []byte("/Type /Page")); i > 0 {
				tampered[i+1] = 't'
				if res, err := verify.VerifyWithOptions(bytes.NewReader(tampered), int64(len(tampered)), opts); err == nil && len(res.Signers) == 1 && res.Signers[0].ValidSignature {
					t.Errorf("%s: changed after signing, it still verifies", tc.path)
				}
			}
		}
		assertStatus(t, e.do(req{method: "GET", path: "/bookings/" + id + "/act.pdf", token: e.token("bob")}), http.StatusNotFound)
		// a booking whose visit gave no act has no act PDF
		other := e.mustBook("alice", kgd(kgdPediatric, "2026-06-16 09:30"))["id"].(string)
		assertStatus(t, e.do(req{method: "GET", path: "/bookings/" + other + "/act.pdf", token: e.token("alice")}), http.StatusNotFound)
	})

	t.Run("the journal and its CSV show the staff comment", func(t *testing.T) {
		past := items(e.do(req{method: "GET", path: "/bookings?status=past", token: e.token("alice")}).json(t))
		if len(past) != 1 || past[0]["staffComment"] != "Повторить анализ через месяц" {
			t.Errorf("the past journal: %v", past)
		}
		if csv := string(e.do(req{method: "GET", path: "/bookings/export.csv", token: e.token("alice")}).body); !strings.Contains(csv, "Повторить анализ через месяц") {
			t.Errorf("the CSV: %s", csv)
		}
	})

	t.Run("the referral books its specialization once", func(t *testing.T) {
		ref := refs[0].(map[string]any)["id"].(string)
		with := func(sub, slot string) resp {
			body := bookBody(slot, "in_person")
			body["referralId"] = ref
			return e.do(req{method: "POST", path: "/bookings", token: e.token(sub), body: body})
		}
		assertType(t, with("alice", kgd(kgdTherapist, "2026-06-17 09:00")), 422, "validation", "referralId:referral_other_specialization")
		assertType(t, with("bob", kgd(kgdPediatric, "2026-06-17 09:00")), 422, "validation", "referralId:unknown_referral")
		ok := with("alice", kgd(kgdPediatric, "2026-06-17 09:00"))
		if ok.status != http.StatusCreated || ok.json(t)["referralId"] != ref {
			t.Fatalf("book with the referral: %d %s", ok.status, ok.body)
		}
		assertType(t, with("alice", kgd(kgdPediatric, "2026-06-18 09:00")), 422, "validation", "referralId:referral_used")

		// cancelled by the person: the referral is free again
		if r := e.do(req{method: "POST", path: "/bookings/" + ok.json(t)["id"].(string) + "/cancel", token: e.token("alice"),
			body: map[string]any{"reason": "не смогу"}}); r.status != http.StatusOK {
			t.Fatalf("cancel: %d %s", r.status, r.body)
		}
		if r := with("alice", kgd(kgdPediatric, "2026-06-18 09:00")); r.status != http.StatusCreated {
			t.Fatalf("the referral after the person cancelled: %d %s", r.status, r.body)
		}
		// cancelled by the institution (the paediatrician is away that day): free again
		if r := e.do(req{method: "POST", path: "/specialists/" + kgdPediatric + "/absences", token: staff,
			body: map[string]any{"from": "2026-06-18", "to": "2026-06-18", "reason": "Врач заболел"}}); r.status != http.StatusCreated {
			t.Fatalf("absence: %d %s", r.status, r.body)
		}
		if r := with("alice", kgd(kgdPediatric, "2026-06-19 09:00")); r.status != http.StatusCreated {
			t.Fatalf("the referral after the institution cancelled: %d %s", r.status, r.body)
		}
		// written for alice, not for her child
		kid := e.mustAddPerson("alice", map[string]any{"name": "Маша", "birthDate": "2018-01-01", "relation": "child"})["id"].(string)
		body := bookBody(kgd(kgdPediatric, "2026-06-17 09:30"), "in_person")
		body["referralId"], body["patient"] = ref, kid
		assertType(t, e.do(req{method: "POST", path: "/bookings", token: e.token("alice"), body: body}), 422, "validation", "referralId:referral_other_patient")
	})
}
