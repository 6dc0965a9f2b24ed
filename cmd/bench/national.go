package main

import (
	"math"
	"slices"
)

// The national-scale model carries what the run measured (a worker's
// reminders per second, DynamoDB work per reminder) to 1M, 10M and 112M
// citizens spread over Russia's time zones, against AWS's published default
// quotas, and says how long each zone's 09:00 peak takes to drain and what
// must be raised for every document reminder to go before 10:00 local.
//
// Zones never share their 09:00: each is a separate hour of the day, so a
// zone's peak has the account's whole rates to itself, while booking
// reminders (the urgent class, spread over the day) keep a reserved share.

// zonePop is the population (millions) living on one UTC offset: the 2021
// census's regional totals (Rosstat, rounded), each region summed into the
// zone it keeps (Volgograd in Moscow time since 2020, Astrakhan, Saratov,
// Samara, Ulyanovsk and Udmurtia in UTC+4; Yakutia counted whole in UTC+9).
type zonePop struct {
	Name     string
	Offset   int
	Millions float64
}

var russianZones = []zonePop{
	{"Kaliningrad", 2, 1.03},
	{"Moscow", 3, 91.1},
	{"Samara", 4, 9.2},
	{"Yekaterinburg", 5, 20.8},
	{"Omsk", 6, 1.86},
	{"Krasnoyarsk / Novosibirsk", 7, 12.6},
	{"Irkutsk", 8, 3.35},
	{"Yakutsk / Chita", 9, 2.76},
	{"Vladivostok / Khabarovsk", 10, 3.29},
	{"Magadan / Sakhalin", 11, 0.61},
	{"Kamchatka / Chukotka", 12, 0.34},
}

// AWS default quotas the model holds the pipeline to (one account, one
// Region; all soft, raised on request). Sources: the Service Quotas pages
// of SNS ("Publish" for standard topics: 30,000 messages/s in us-east-1,
// 9,000 in us-west-2 and eu-west-1, 1,500 elsewhere; "Transactional SMS
// messages per second": 20), Lambda ("Concurrent executions": 1,000),
// DynamoDB (a partition — of a table or a GSI — serves 3,000 RCU and
// 1,000 WCU a second; an on-demand table 40,000 WCU a second).
const (
	quotaLambdaConcurrency = 1000
	quotaSNSPublish        = 9000 // eu-west-1, the nearest Region with the middle tier
	quotaSMS               = 20
	quotaEmail             = 10 // SNS e-mail deliveries a second
	quotaPartitionWCU      = 1000
	quotaTableWCU          = 40000 // on-demand table's default maximum write throughput
	partitionHeadroom      = 0.5   // plan shards for half a partition's write rate
	// documentWindow is how long a zone's 09:00 document reminders may
	// take: until 10:00, less one dispatch period.
	documentWindow = 3600.0 - 60
	// reminders a citizen's documents cause a day: 4 documents, 3
	// reminders each per ~10-year validity (the cost model's assumption).
	documentRemindersPerDay = 4.0 * 3 / (10 * 365.25)
	// peakDay is how much busier the worst day is than the average one
	// (a rule change or a holiday catch-up lands many expiries together).
	peakDay = 10.0
	// urgentShare is the part of every rate reserved for booking reminders
	// and status messages, so documents never starve them.
	urgentShare = 0.2
)

// nationalInputs are the measured figures the model starts from.
type nationalInputs struct {
	PerWorker            float64 // reminders a second one worker sends (measured)
	MessagesPerReminder  float64 // SNS publishes per reminder (one per channel)
	SMSPerReminder       float64 // SMS per reminder (worst case: every reminder also by SMS)
	EmailPerReminder     float64 // e-mails per reminder
	WRUPerReminder       float64 // DynamoDB write units per reminder (measured)
	IndexWritesPerRemind float64 // due-index (GSI) writes per reminder: an advance moves the item
}

// zonePeak is one zone's 09:00 at one population.
type zonePeak struct {
	Zone      zonePop
	Citizens  float64
	Reminders float64 // document reminders at 09:00, peak day
	Rate      float64 // reminders a second needed to finish by 10:00
	Workers   int     // concurrent workers for Rate
	SMSRate   float64 // SMS a second at Rate
	EmailRate float64 // e-mails a second at Rate
	Publishes float64 // SNS publishes a second at Rate
	Shards    int     // due-index shards so no partition passes its write headroom
	// DrainDefault is the drain time in seconds at default quotas (the
	// document class's share of them); Limit names what binds.
	DrainDefault float64
	Limit        string
}

// nationalRow is one population's worst zone and what it needs.
type nationalRow struct {
	Citizens     float64
	Zones        []zonePeak
	Worst        zonePeak // the zone that takes longest at default quotas
	OnTime       bool     // every zone done by 10:00 at default quotas
	NeedSMS      float64  // SMS a second the busiest zone needs
	NeedEmail    float64  // e-mails a second the busiest zone needs
	NeedWorkers  int
	NeedShards   int
	NeedPublish  float64
	Raise        []string // quota increases needed
	UrgentPerSec float64  // booking reminders a second in the busiest hour
}

// nationalModel computes the rows for each population.
func nationalModel(in nationalInputs, populations []float64) []nationalRow {
	total := 0.0
	for _, z := range russianZones {
		total += z.Millions
	}
	docShare := 1 - urgentShare
	var rows []nationalRow
	for _, pop := range populations {
		row := nationalRow{Citizens: pop, OnTime: true}
		for _, z := range russianZones {
			c := pop * z.Millions / total
			zp := zonePeak{Zone: z, Citizens: c, Reminders: c * documentRemindersPerDay * peakDay}
			zp.Rate = zp.Reminders / documentWindow
			zp.Workers = int(math.Ceil(zp.Rate / in.PerWorker))
			zp.SMSRate = zp.Rate * in.SMSPerReminder
			zp.EmailRate = zp.Rate * in.EmailPerReminder
			zp.Publishes = zp.Rate * in.MessagesPerReminder
			zp.Shards = max(1, int(math.Ceil(zp.Rate*in.IndexWritesPerRemind/(quotaPartitionWCU*partitionHeadroom))))
			limits := []struct {
				name string
				rate float64 // reminders a second this quota allows the document class
			}{
				{"Lambda concurrency", quotaLambdaConcurrency * docShare * in.PerWorker},
				{"SNS publish rate", quotaSNSPublish * docShare / in.MessagesPerReminder},
				{"SMS rate", quotaSMS * docShare / math.Max(in.SMSPerReminder, 1e-9)},
				{"e-mail rate", quotaEmail * docShare / math.Max(in.EmailPerReminder, 1e-9)},
				{"DynamoDB table writes", quotaTableWCU * docShare / math.Max(in.WRUPerReminder, 1e-9)},
			}
			slices.SortFunc(limits, func(a, b struct {
				name string
				rate float64
			}) int {
				return cmpFloat(a.rate, b.rate)
			})
			zp.DrainDefault, zp.Limit = zp.Reminders/limits[0].rate, limits[0].name
			if zp.DrainDefault > documentWindow {
				row.OnTime = false
			}
			if zp.DrainDefault > row.Worst.DrainDefault {
				row.Worst = zp
			}
			row.NeedSMS = math.Max(row.NeedSMS, zp.SMSRate/docShare)
			row.NeedEmail = math.Max(row.NeedEmail, zp.EmailRate/docShare)
			row.NeedPublish = math.Max(row.NeedPublish, zp.Publishes/docShare)
			row.NeedWorkers = max(row.NeedWorkers, int(math.Ceil(float64(zp.Workers)/docShare)))
			row.NeedShards = max(row.NeedShards, zp.Shards)
			row.Zones = append(row.Zones, zp)
		}
		// Booking reminders: 2 bookings a year, 2 reminders each, over
		// 12 daytime hours, three times the mean in the busiest hour.
		row.UrgentPerSec = pop * 4 / 365.25 / (12 * 3600) * 3
		if row.NeedSMS > quotaSMS {
			row.Raise = append(row.Raise, fmtf("SNS SMS messages per second %d → %s", quotaSMS, roundUp(row.NeedSMS+row.UrgentPerSec*in.SMSPerReminder)))
		}
		if row.NeedEmail > quotaEmail {
			row.Raise = append(row.Raise, fmtf("SNS e-mail deliveries per second %d → %s (or e-mail through SES)", quotaEmail, roundUp(row.NeedEmail+row.UrgentPerSec*in.EmailPerReminder)))
		}
		if row.NeedPublish > quotaSNSPublish {
			row.Raise = append(row.Raise, fmtf("SNS Publish %d/s → %s", quotaSNSPublish, roundUp(row.NeedPublish)))
		}
		if row.NeedWorkers > quotaLambdaConcurrency {
			row.Raise = append(row.Raise, fmtf("Lambda concurrency %d → %d", quotaLambdaConcurrency, row.NeedWorkers))
		}
		rows = append(rows, row)
	}
	return rows
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// roundUp rounds a rate up to two significant figures, as one asks AWS for it.
func roundUp(v float64) string {
	if v <= 0 {
		return "0"
	}
	p := math.Pow(10, math.Floor(math.Log10(v))-1)
	return fmtf("%.0f", math.Ceil(v/p)*p)
}

// nationalMarkdown renders the model: inputs, one line per population, and
// the busiest population's zones.
func nationalMarkdown(in nationalInputs, rows []nationalRow, measuredFrom string) []string {
	var out []string
	p := func(format string, args ...any) { out = append(out, fmtf(format, args...)) }
	p("Inputs measured in this run (%s): one worker sends **%.0f reminders/s**; %.1f SNS publishes, up to %.1f SMS and %.1f e-mails,",
		measuredFrom, in.PerWorker, in.MessagesPerReminder, in.SMSPerReminder, in.EmailPerReminder)
	p("%.2f WRU and %.0f due-index writes per reminder. Population by zone: the 2021 census's regional totals summed",
		in.WRUPerReminder, in.IndexWritesPerRemind)
	p("by the zone each region keeps (Moscow time %.0f%% of the country). Document reminders: 4 documents a citizen,",
		100*russianZones[1].Millions/sumMillions())
	p("3 reminders per ~10-year validity, all at 09:00 local; a **peak day is %.0f× the average day**. The document", peakDay)
	p("class may use %.0f%% of every rate; the rest is reserved for booking reminders and status messages (urgent", 100*(1-urgentShare))
	p("class, own queue and shards). Default quotas: Lambda %d concurrent, SNS Publish %d/s (eu-west-1 tier), SMS %d/s, e-mail %d/s,",
		quotaLambdaConcurrency, quotaSNSPublish, quotaSMS, quotaEmail)
	p("a DynamoDB partition %d WCU/s (shards planned at %.0f%% of it), an on-demand table %d WCU/s.", quotaPartitionWCU,
		100*partitionHeadroom, quotaTableWCU)
	p("")
	p("| citizens | busiest zone's 09:00 (reminders) | needed by 10:00 | workers | due-index shards | SMS/s | e-mail/s | SNS publishes/s | at default quotas | booking reminders/s (busiest hour) | quota increases for the target |")
	p("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		busiest := slices.MaxFunc(r.Zones, func(a, b zonePeak) int { return cmpFloat(a.Reminders, b.Reminders) })
		def := fmtf("%s: %s (%s binds)", r.Worst.Zone.Name, duration(r.Worst.DrainDefault), r.Worst.Limit)
		if r.OnTime {
			def = "every zone by 10:00 ✓ (" + def + ")"
		} else {
			def = "**late**: " + def
		}
		raise := "none"
		if len(r.Raise) > 0 {
			raise = joinComma(r.Raise)
		}
		p("| %s | %s: %.0f | %.1f/s | %d | %d | %.1f | %.1f | %.1f | %s | %.2f | %s |", millions(r.Citizens), busiest.Zone.Name,
			busiest.Reminders, busiest.Rate, r.NeedWorkers, r.NeedShards, r.NeedSMS, r.NeedEmail, r.NeedPublish, def, r.UrgentPerSec, raise)
	}
	last := rows[len(rows)-1]
	p("")
	p("Each zone at %s citizens, peak day:", millions(last.Citizens))
	p("")
	p("| zone | UTC | citizens | reminders at 09:00 | needed rate | workers | at default quotas |")
	p("|---|---|---|---|---|---|---|")
	for _, z := range last.Zones {
		p("| %s | +%d | %s | %.0f | %.1f/s | %d | %s (%s) |", z.Zone.Name, z.Zone.Offset, millions(z.Citizens), z.Reminders,
			z.Rate, z.Workers, duration(z.DrainDefault), z.Limit)
	}
	return out
}

func sumMillions() float64 {
	t := 0.0
	for _, z := range russianZones {
		t += z.Millions
	}
	return t
}

func millions(c float64) string {
	if c < 10e6 {
		return fmtf("%.1fM", c/1e6)
	}
	return fmtf("%.0fM", c/1e6)
}

func duration(sec float64) string {
	switch {
	case sec < 60:
		return fmtf("%.0f s", sec)
	case sec < 3600:
		return fmtf("%.0f min", sec/60)
	}
	return fmtf("%.1f h", sec/3600)
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += "; "
		}
		out += x
	}
	return out
}
