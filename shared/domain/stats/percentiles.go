package stats

import (
	"slices"
	"strconv"
)

// Percentiles are the median, the 90th percentile and the largest of a
// histogram of whole days (nearest rank); nil when it holds nothing.
type Percentiles struct {
	P50, P90, Max *int
}

// Histogram is counts by whole days.
type Histogram map[int]int64

// Add adds n to the count of days (a counter name's part; one that is no
// number is left out).
func (h Histogram) Add(days string, n int64) {
	d, err := strconv.Atoi(days)
	if err == nil {
		h[d] += n
	}
}

// Total is the histogram's count.
func (h Histogram) Total() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Percentiles reads p50, p90 and max off h: the smallest day whose
// cumulative count reaches the rank ceil(p*n).
func (h Histogram) Percentiles() Percentiles {
	n := h.Total()
	if n <= 0 {
		return Percentiles{}
	}
	days := make([]int, 0, len(h))
	for d, c := range h {
		if c > 0 {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	rank := func(num int64) *int {
		want := (num*n + 99) / 100 // ceil(num% of n)
		var cum int64
		for _, d := range days {
			cum += h[d]
			if cum >= want {
				return &d
			}
		}
		last := days[len(days)-1]
		return &last
	}
	return Percentiles{P50: rank(50), P90: rank(90), Max: &days[len(days)-1]}
}
