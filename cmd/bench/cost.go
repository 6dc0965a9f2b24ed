package main

import "time"

// Published prices, us-east-1, 2025 (eu-central-1 is some 10-20% dearer).
const (
	priceLambdaGBs     = 0.0000133334 // arm64, per GB-second
	priceLambdaReq     = 0.20 / 1e6
	priceAPIGW         = 1.00 / 1e6 // HTTP API, first 300M a month
	priceWRU           = 0.625 / 1e6
	priceRRU           = 0.125 / 1e6
	priceStorageGB     = 0.25
	priceSNSPublish    = 0.50 / 1e6
	httpMemoryGB       = 0.25 // functionMemoryMB in infra/stack
	scanMemoryGB       = 0.5  // scheduledMemoryMB
	daysPerMonth       = 30.4
	activeShare        = 0.03
	docsPerCitizen     = 4
	bookingsPerYear    = 2
	renewalsPerDocYear = 0.1 // a document is replaced about every 10 years: a new create
	remindersPerCycle  = 3   // document reminders per validity period (e.g. 90, 30, 7 days)
	bookingReminders   = 2   // the day before and 2 hours before
	slotListsPerBook   = 3
	scanRunsPerDay     = 96 // every 15 minutes
	notifBytes         = 500
	profileBytes       = 400
)

// perActiveDay are the requests one daily active user makes on a day.
var perActiveDay = map[string]float64{"list documents": 1, "get document": 1, "list notifications": 1}

// costLine is one line of the bill.
type costLine struct {
	Item    string
	Formula string
	Month   [2]float64 // for 1M and 10M citizens
}

type costTable struct {
	Citizens  [2]float64
	Requests  []costReq
	Lines     []costLine
	Total     [2]float64
	SMS       [2]float64 // SMS messages a month (priced separately)
	Notes     []string
	Reminders [2]float64 // a month
}

// costReq is one route's monthly volume and unit costs.
type costReq struct {
	Name        string
	PerCitizen  float64 // requests per citizen per month
	RRU, WRU    float64 // per request
	DurationMs  float64 // billed Lambda duration per request
	CapacitySrc string
}

func costOnPaper(rep *report) costTable {
	ct := costTable{Citizens: [2]float64{1e6, 10e6}}
	byName := map[string]reqResult{}
	for _, r := range rep.Requests {
		byName[r.Name] = r
	}
	monthly := map[string]float64{ // per citizen per month
		"list documents":     perActiveDay["list documents"] * activeShare * daysPerMonth,
		"get document":       perActiveDay["get document"] * activeShare * daysPerMonth,
		"list notifications": perActiveDay["list notifications"] * activeShare * daysPerMonth,
		"create document":    docsPerCitizen * renewalsPerDocYear / 12,
		"list slots":         bookingsPerYear * slotListsPerBook / 12,
		"book":               bookingsPerYear / 12.0,
	}
	var reqs, gbs, rru, wru float64 // per citizen per month
	for _, name := range []string{"list documents", "get document", "create document", "list slots", "book", "list notifications"} {
		r, ok := byName[name]
		if !ok {
			continue
		}
		cr := costReq{Name: name, PerCitizen: monthly[name], DurationMs: float64((r.P50 + time.Millisecond - 1) / time.Millisecond)}
		if r.Capacity >= 0 {
			cr.RRU, cr.WRU, cr.CapacitySrc = r.ReadUnits, r.WriteUnits, "measured"
			if cr.RRU == 0 && cr.WRU == 0 { // only a total came back
				if r.Write {
					cr.WRU = r.Capacity
				} else {
					cr.RRU = r.Capacity
				}
			}
		} else {
			// Not returned: one read unit per call; a write's units from the
			// bytes it puts, doubled for transactions.
			cr.RRU, cr.CapacitySrc = r.Calls, "estimated"
			if r.Write {
				cr.WRU = 2 * float64(r.WriteBytes/1024+1)
			}
		}
		ct.Requests = append(ct.Requests, cr)
		reqs += cr.PerCitizen
		gbs += cr.PerCitizen * httpMemoryGB * cr.DurationMs / 1000
		rru += cr.PerCitizen * cr.RRU
		wru += cr.PerCitizen * cr.WRU
	}
	// Reminders: documents' and bookings'; each goes by e-mail and SMS.
	remindersPerCitizen := (docsPerCitizen*renewalsPerDocYear*remindersPerCycle + bookingsPerYear*bookingReminders) / 12
	var perReminderR, perReminderW, perReminderSec float64 = 1, 4, 0.01
	for _, s := range rep.Scans {
		if s.Sent > 0 {
			perReminderR, perReminderW = s.WorkRead/float64(s.Sent), s.WorkWrite/float64(s.Sent)
			if s.WorkRead == 0 && s.WorkWrite == 0 {
				perReminderR, perReminderW = float64(s.WorkCalls)/float64(s.Sent), float64(s.WorkCalls)/float64(s.Sent)
			}
			perReminderSec = s.Wall.Seconds() / float64(s.Sent)
		}
	}
	scanGBsFixed := scanRunsPerDay * daysPerMonth * scanMemoryGB * 0.1 // 100 ms a run at least
	storagePerCitizen := float64(docsPerCitizen)*float64(byName["create document"].WriteBytes) +
		bookingsPerYear*float64(byName["book"].WriteBytes) + profileBytes + remindersPerCitizen*12*notifBytes
	for i, c := range ct.Citizens {
		rem := remindersPerCitizen * c
		ct.Reminders[i] = rem
		ct.SMS[i] = rem
		lambdaReq := reqs*c + scanRunsPerDay*daysPerMonth
		lambdaGBs := gbs*c + scanGBsFixed + rem*perReminderSec*scanMemoryGB
		lines := []costLine{
			{"Lambda requests", "(Σ requests + 96 scans/day × 30.4) × $0.20/1M", [2]float64{}},
			{"Lambda compute (arm64)", "Σ requests × 0.25 GB × p50 s + scans × 0.5 GB × (0.1 s + reminders × s/reminder) × $0.0000133334", [2]float64{}},
			{"API Gateway HTTP API", "Σ requests × $1.00/1M", [2]float64{}},
			{"DynamoDB reads", "(Σ requests × RRU + reminders × RRU/reminder + scan queries) × $0.125/1M", [2]float64{}},
			{"DynamoDB writes", "(Σ requests × WRU + reminders × WRU/reminder) × $0.625/1M", [2]float64{}},
			{"DynamoDB storage", "citizens × bytes/citizen × $0.25/GB-month", [2]float64{}},
			{"SNS publishes", "reminders × 2 channels × $0.50/1M (SMS delivery itself excluded)", [2]float64{}},
			{"EventBridge schedule", "scheduled rules: free", [2]float64{}},
		}
		scanQueries := scanRunsPerDay * daysPerMonth * 16 * 0.5
		vals := []float64{
			lambdaReq * priceLambdaReq,
			lambdaGBs * priceLambdaGBs,
			reqs * c * priceAPIGW,
			(rru*c + rem*perReminderR + scanQueries) * priceRRU,
			(wru*c + rem*perReminderW) * priceWRU,
			c * storagePerCitizen / 1e9 * priceStorageGB,
			rem * 2 * priceSNSPublish,
			0,
		}
		if ct.Lines == nil {
			ct.Lines = lines
		}
		for j, v := range vals {
			ct.Lines[j].Month[i] = v
			ct.Total[i] += v
		}
	}
	ct.Notes = []string{
		fmtf("requests per daily active user per day: list documents %g, get document %g, list notifications %g; 3%% of citizens active a day, %.1f days a month",
			perActiveDay["list documents"], perActiveDay["get document"], perActiveDay["list notifications"], daysPerMonth),
		fmtf("documents: %d per citizen, each replaced about every %.0f years (a create); bookings: %d a year, each after %d slot lists",
			docsPerCitizen, 1/renewalsPerDocYear, bookingsPerYear, slotListsPerBook),
		fmtf("reminders: %d per document validity period, %d per booking: %.2f per citizen a month, each by e-mail and SMS (2 SNS publishes)",
			remindersPerCycle, bookingReminders, remindersPerCitizen),
		fmtf("DynamoDB per reminder (measured in the scan): %.2f RRU, %.2f WRU; the scan's own 16 due-index queries per run at 0.5 RRU each", perReminderR, perReminderW),
		fmtf("Lambda duration: the handler's in-process p50 here (DynamoDB Local on loopback stands in for DynamoDB in the region), rounded up to 1 ms; 256 MB (HTTP), 512 MB (scan); cold starts not included"),
		fmtf("storage: %.1f KB per citizen (4 documents with their history and idempotency items, a year's 2 bookings with their 7 items each, profile, a year's notifications), GSI copies not counted", storagePerCitizen/1024),
		"the first month's import of 4 documents per citizen is a one-off: 4 × citizens × create document's WRU × $0.625/1M (1M citizens: see the create document row)",
		"region: us-east-1 prices of 2025; no free tier; SMS is priced per message and per country and is left out (count below)",
	}
	return ct
}
