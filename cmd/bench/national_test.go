package main

import (
	"strings"
	"testing"
)

func TestNationalModel(t *testing.T) {
	in := nationalInputs{PerWorker: 50, MessagesPerReminder: 2, SMSPerReminder: 1, EmailPerReminder: 1, WRUPerReminder: 8, IndexWritesPerRemind: 2}
	rows := nationalModel(in, []float64{1e6, 10e6, 112e6})
	if len(rows) != 3 {
		t.Fatalf("rows = %d, want 3", len(rows))
	}
	t.Run("the zones add up to the population", func(t *testing.T) {
		for _, r := range rows {
			sum := 0.0
			for _, z := range r.Zones {
				sum += z.Citizens
			}
			if d := sum - r.Citizens; d > 1 || d < -1 {
				t.Errorf("%v citizens: zones sum to %v", r.Citizens, sum)
			}
		}
	})
	t.Run("Moscow's peak scales with the population", func(t *testing.T) {
		got := rows[2].Zones[1]
		if got.Zone.Offset != 3 {
			t.Fatalf("zone 1 = %+v", got.Zone)
		}
		small := rows[1].Zones[1]
		if r := got.Reminders / small.Reminders; r < 11.1 || r > 11.3 {
			t.Errorf("112M/10M Moscow reminders = %.2f, want 11.2", r)
		}
	})
	t.Run("at 112M the e-mail quota binds and the SMS and e-mail increases are named", func(t *testing.T) {
		r := rows[2]
		if r.OnTime || r.Worst.Limit != "e-mail rate" {
			t.Errorf("onTime=%v worst=%s, want late on the e-mail rate (10/s, the lowest)", r.OnTime, r.Worst.Limit)
		}
		if len(r.Raise) < 2 || !strings.HasPrefix(r.Raise[0], "SNS SMS messages per second 20 → ") ||
			!strings.HasPrefix(r.Raise[1], "SNS e-mail deliveries per second 10 → ") {
			t.Errorf("raise = %v", r.Raise)
		}
		// The rate asked for drains Moscow's peak within the window.
		need := r.NeedSMS
		if secs := r.Zones[1].Reminders * in.SMSPerReminder / (need * (1 - urgentShare)); secs > documentWindow+1 {
			t.Errorf("at the asked SMS rate Moscow takes %.0f s", secs)
		}
	})
	t.Run("without SMS and e-mail nothing needs raising at 1M", func(t *testing.T) {
		noSMS := in
		noSMS.SMSPerReminder, noSMS.EmailPerReminder = 0, 0
		r := nationalModel(noSMS, []float64{1e6})[0]
		if !r.OnTime || len(r.Raise) != 0 {
			t.Errorf("onTime=%v raise=%v", r.OnTime, r.Raise)
		}
	})
	if md := nationalMarkdown(in, rows, "test"); len(md) < 10 {
		t.Errorf("markdown has %d lines", len(md))
	}
}
