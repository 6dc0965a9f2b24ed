package booking

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
	"github.com/kabinet/kabinet/shared/domain/directory"
	"github.com/kabinet/kabinet/shared/domain/errs"
)

type institutionResponse struct {
	ID                    string          `json:"id"`
	Name                  string          `json:"name"`
	Type                  string          `json:"type"`
	INN                   string          `json:"inn"`
	Address               string          `json:"address"`
	City                  string          `json:"city"`
	Phone                 string          `json:"phone"`
	TimeZone              string          `json:"timeZone"`
	Location              map[string]any  `json:"location"`
	Hours                 []hoursResponse `json:"openingHours"`
	Licence               licenceResponse `json:"licence"`
	CancelDeadlineMinutes int             `json:"cancelDeadlineMinutes"`
	DistanceKm            *float64        `json:"distanceKm,omitempty"`
}

type hoursResponse struct {
	Weekday string `json:"weekday"` // "monday" ...
	Open    string `json:"open"`
	Close   string `json:"close"`
}

type licenceResponse struct {
	Number     string  `json:"number,omitempty"`
	Status     string  `json:"status,omitempty"`
	ValidUntil *string `json:"validUntil"` // null: indefinite
}

func toInstitution(in directory.Institution, dist *float64) institutionResponse {
	d := in.Deadline() // 0: until the start
	out := institutionResponse{ID: in.ID, Name: in.Name, Type: in.Type, INN: in.INN, Address: in.Address, City: in.City,
		Phone: in.Phone, TimeZone: in.TimeZone, Location: map[string]any{"lat": in.Lat, "lon": in.Lon},
		Hours: []hoursResponse{}, Licence: licenceResponse{Number: in.Licence.Number, Status: in.Licence.Status},
		CancelDeadlineMinutes: int(d.Minutes()), DistanceKm: dist}
	for _, h := range in.Hours {
		out.Hours = append(out.Hours, hoursResponse{Weekday: strings.ToLower(h.Weekday.String()), Open: h.Open, Close: h.Close})
	}
	if in.Licence.ValidUntil != nil {
		v := in.Licence.ValidUntil.String()
		out.Licence.ValidUntil = &v
	}
	return out
}

type specialistResponse struct {
	ID             string   `json:"id"`
	InstitutionID  string   `json:"institutionId"`
	Name           string   `json:"name"`
	Specialization string   `json:"specialization"`
	Rating         float64  `json:"rating"`
	Reviews        int      `json:"reviews"`
	Certificates   []string `json:"certificates"`
	Price          int      `json:"price"`
	Modes          []string `json:"modes"`
	MinAge         int      `json:"minAge,omitempty"`
	MaxAge         int      `json:"maxAge,omitempty"`
}

func toSpecialist(s directory.Specialist) specialistResponse {
	return specialistResponse{ID: s.ID, InstitutionID: s.InstitutionID, Name: s.Name, Specialization: s.Specialization,
		Rating: s.Rating, Reviews: s.Reviews, Certificates: s.Certificates, Price: s.Price, Modes: s.Modes,
		MinAge: s.MinAge, MaxAge: s.MaxAge}
}

// handleSearchInstitutions searches the directory in memory.
func handleSearchInstitutions(d Deps) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var fe errs.Fields
		q := r.URL.Query()
		query := directory.Query{Text: q.Get("q"), Type: q.Get("type"), INN: q.Get("inn"),
			Limit: httpapi.QueryInt(r, "limit", &fe), Cursor: q.Get("cursor")}
		if near := q.Get("near"); near != "" {
			lat, lon, ok := strings.Cut(near, ",")
			la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
			lo, err2 := strconv.ParseFloat(strings.TrimSpace(lon), 64)
			if !ok || err1 != nil || err2 != nil {
				fe.Add("near", "invalid_point")
			} else {
				query.Near = &directory.Point{Lat: la, Lon: lo}
			}
		}
		if rk := q.Get("radiusKm"); rk != "" {
			v, err := strconv.ParseFloat(rk, 64)
			if err != nil {
				fe.Add("radiusKm", "not_number")
			}
			query.RadiusKm = v
		}
		if err := fe.ErrKind("httpapi.searchInstitutions", errs.Malformed); err != nil {
			return err
		}
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		page, err := idx.Search(query)
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[institutionResponse]{Items: []institutionResponse{}, NextCursor: httpapi.NextCursor(r, page.NextCursor)}
		for _, res := range page.Items {
			out.Items = append(out.Items, toInstitution(res.Institution, res.DistanceKm))
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleGetInstitution returns one institution.
func handleGetInstitution(d Deps) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		in, err := idx.Institution(r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, toInstitution(in, nil))
		return nil
	})
}

// handleInstitutionSpecialists lists an institution's specialists.
func handleInstitutionSpecialists(d Deps) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		list, err := idx.Specialists(r.PathValue("id"), r.URL.Query().Get("specialization"))
		if err != nil {
			return err
		}
		out := httpapi.ListResponse[specialistResponse]{Items: []specialistResponse{}}
		for _, s := range list {
			out.Items = append(out.Items, toSpecialist(s))
		}
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	})
}

// handleGetSpecialist returns one specialist.
func handleGetSpecialist(d Deps) http.Handler {
	return httpapi.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		idx, err := d.Directory.Index(r.Context())
		if err != nil {
			return err
		}
		s, err := idx.Specialist(r.PathValue("id"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, toSpecialist(s))
		return nil
	})
}
