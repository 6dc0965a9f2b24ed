package directory

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/kabinet/kabinet/shared/domain/errs"
	"github.com/kabinet/kabinet/shared/domain/numbers"
	"github.com/kabinet/kabinet/shared/domain/paging"
)

// Search radius limits, in kilometres.
const (
	DefaultRadiusKm = 10
	MaxRadiusKm     = 500
)

// Query selects institutions. Zero fields select everything; the filters
// combine with AND.
type Query struct {
	// Text matches word prefixes of the name and address: every word of
	// Text must start some word of either, ignoring case, punctuation and
	// the difference between ё and е ("гор пол" finds "Городская поликлиника №1").
	Text string
	// Type is one of Types.
	Type string
	// INN is a valid 10- or 12-digit taxpayer number, matched exactly.
	INN string
	// Near orders the results by distance from a point and keeps those
	// within RadiusKm (0 < RadiusKm <= MaxRadiusKm; 0 means DefaultRadiusKm).
	// Without Near, results are ordered by name and RadiusKm is ignored.
	Near     *Point
	RadiusKm float64
	// Limit is the page size, clamped by paging.ClampLimit.
	Limit int
	// Cursor is Page.NextCursor of the previous page ("" for the first).
	Cursor string
}

// Result is one institution found, with its distance when the query had Near.
type Result struct {
	Institution
	DistanceKm *float64 // rounded to 2 decimals; nil without Near
}

// Page is one page of search results. NextCursor is "" on the last page.
type Page struct {
	Items      []Result
	NextCursor string
}

// Index is an in-memory, immutable directory. It is safe for concurrent
// use; everything it returns is a copy. Build it with NewIndex, or get the
// current one from a Cache.
type Index struct {
	insts       []entry        // sorted by collation key, then id
	instByID    map[string]int // index into insts
	specs       map[string]Specialist
	specsByInst map[string][]Specialist // sorted by collation key of the name, then id
}

// entry is an institution with what search needs precomputed.
type entry struct {
	inst  Institution
	words []string // folded words of the name and the address
	key   string   // collation key of the name
}

// NewIndex validates insts and specs (see Validate) and builds an index of
// copies of them, filling in the type's default cancel deadline where none is set.
// Cache calls it on every load; tests and tools may call it directly.
// Errors: Invalid.
func NewIndex(insts []Institution, specs []Specialist) (*Index, error) {
	if err := Validate(insts, specs); err != nil {
		return nil, err
	}
	x := &Index{
		insts:       make([]entry, 0, len(insts)),
		instByID:    make(map[string]int, len(insts)),
		specs:       make(map[string]Specialist, len(specs)),
		specsByInst: make(map[string][]Specialist, len(insts)),
	}
	for _, in := range insts {
		in = in.clone()
		if in.CancelDeadline == 0 {
			in.CancelDeadline = DefaultCancelDeadlineFor(in.Type) // 0 for a polyclinic: until the start
		}
		words := append(strings.Fields(fold(in.Name)), strings.Fields(fold(in.Address))...)
		x.insts = append(x.insts, entry{inst: in, words: words, key: collate(in.Name)})
	}
	slices.SortFunc(x.insts, func(a, b entry) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.inst.ID, b.inst.ID))
	})
	for i, e := range x.insts {
		x.instByID[e.inst.ID] = i
	}
	for _, sp := range specs {
		sp = sp.clone()
		x.specs[sp.ID] = sp
		x.specsByInst[sp.InstitutionID] = append(x.specsByInst[sp.InstitutionID], sp)
	}
	for _, l := range x.specsByInst {
		slices.SortFunc(l, func(a, b Specialist) int {
			return cmp.Or(strings.Compare(collate(a.Name), collate(b.Name)), strings.Compare(a.ID, b.ID))
		})
	}
	return x, nil
}

// Len returns the number of institutions in the index.
func (x *Index) Len() int { return len(x.insts) }

// Institution returns the institution with id. Booking and the HTTP layer
// call it. Errors: NotFound.
func (x *Index) Institution(id string) (Institution, error) {
	i, ok := x.instByID[id]
	if !ok {
		return Institution{}, errs.E("directory.Institution", errs.NotFound, nil)
	}
	return x.insts[i].inst.clone(), nil
}

// Specialist returns the specialist with id. Booking and the HTTP layer
// call it. Errors: NotFound.
func (x *Index) Specialist(id string) (Specialist, error) {
	sp, ok := x.specs[id]
	if !ok {
		return Specialist{}, errs.E("directory.Specialist", errs.NotFound, nil)
	}
	return sp.clone(), nil
}

// Specialists returns the specialists of an institution ordered by name,
// only those whose Specialization equals specialization (ignoring case and
// ё/е) when it is not "". An institution without specialists gives an empty,
// non-nil slice. The HTTP layer calls it for an institution's page.
// Errors: NotFound (no such institution).
func (x *Index) Specialists(institutionID, specialization string) ([]Specialist, error) {
	if _, ok := x.instByID[institutionID]; !ok {
		return nil, errs.E("directory.Specialists", errs.NotFound, nil)
	}
	want := collate(strings.TrimSpace(specialization))
	out := []Specialist{}
	for _, sp := range x.specsByInst[institutionID] {
		if want == "" || collate(sp.Specialization) == want {
			out = append(out, sp.clone())
		}
	}
	return out, nil
}

// SameSpecialization reports whether a and b name one specialization, as
// Specialists compares them (case and ё/е aside).
func SameSpecialization(a, b string) bool {
	return collate(strings.TrimSpace(a)) == collate(strings.TrimSpace(b))
}

// HasSpecialization reports whether some specialist of the directory has
// specialization (as SameSpecialization compares). Booking calls it for a
// referral.
func (x *Index) HasSpecialization(specialization string) bool {
	for _, list := range x.specsByInst {
		for _, sp := range list {
			if SameSpecialization(sp.Specialization, specialization) {
				return true
			}
		}
	}
	return false
}

// Search finds institutions matching q (see Query), one page at a time. The
// HTTP layer calls it for the registry's search.
// Errors: Malformed (field "cursor"), Invalid (fields "type": unknown_type,
// "inn": invalid_inn, "near" and "radiusKm": out_of_range).
func (x *Index) Search(q Query) (Page, error) {
	const op = "directory.Search"
	offset, ok := decodeOffset(q.Cursor)
	if !ok {
		var fe errs.Fields
		fe.Add("cursor", "invalid_cursor")
		return Page{}, fe.ErrKind(op, errs.Malformed)
	}
	var fe errs.Fields
	typ := strings.TrimSpace(q.Type)
	if typ != "" && !ValidType(typ) {
		fe.Add("type", "unknown_type")
	}
	inn := strings.TrimSpace(q.INN)
	if inn != "" && !numbers.ValidINN(inn) {
		fe.Add("inn", "invalid_inn")
	}
	radius := q.RadiusKm
	if q.Near != nil {
		if !inRange(q.Near.Lat, -90, 90) || !inRange(q.Near.Lon, -180, 180) {
			fe.Add("near", "out_of_range")
		}
		if radius == 0 {
			radius = DefaultRadiusKm
		}
		if !(radius > 0 && radius <= MaxRadiusKm) {
			fe.Add("radiusKm", "out_of_range")
		}
	}
	if err := fe.Err(op); err != nil {
		return Page{}, err
	}
	text := strings.Fields(fold(q.Text))

	type hit struct {
		e    *entry
		dist float64
	}
	var hits []hit
	for i := range x.insts {
		e := &x.insts[i]
		if typ != "" && e.inst.Type != typ || inn != "" && e.inst.INN != inn || !e.matches(text) {
			continue
		}
		h := hit{e: e}
		if q.Near != nil {
			h.dist = DistanceKm(*q.Near, Point{e.inst.Lat, e.inst.Lon})
			if h.dist > radius {
				continue
			}
		}
		hits = append(hits, h)
	}
	if q.Near != nil {
		// Stable: equal distances keep the name order of x.insts.
		slices.SortStableFunc(hits, func(a, b hit) int { return cmp.Compare(a.dist, b.dist) })
	}

	limit := paging.ClampLimit(q.Limit)
	page := Page{Items: []Result{}}
	if offset >= len(hits) {
		return page, nil
	}
	end := min(offset+limit, len(hits))
	for _, h := range hits[offset:end] {
		r := Result{Institution: h.e.inst.clone()}
		if q.Near != nil {
			d := math.Round(h.dist*100) / 100
			r.DistanceKm = &d
		}
		page.Items = append(page.Items, r)
	}
	if end < len(hits) {
		page.NextCursor = paging.EncodeCursor(strconv.Itoa(end))
	}
	return page, nil
}

// matches reports whether every query word prefixes some word of e.
func (e *entry) matches(query []string) bool {
	for _, q := range query {
		if !slices.ContainsFunc(e.words, func(w string) bool { return strings.HasPrefix(w, q) }) {
			return false
		}
	}
	return true
}

// decodeOffset reads a cursor made by Search; "" is offset 0.
func decodeOffset(c string) (int, bool) {
	if c == "" {
		return 0, true
	}
	s, err := paging.DecodeCursor(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || strconv.Itoa(n) != s {
		return 0, false
	}
	return n, true
}

// fold prepares text for word matching: lower case, ё as е, and anything
// that is not a letter or a digit (punctuation, №, quotes) as a space.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		switch {
		case r == 'ё':
			return 'е'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			return r
		}
		return ' '
	}, s)
}

// collate is the key names sort and compare by: lower case with ё as е,
// which puts Russian names in alphabetical order.
func collate(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ё", "е")
}
