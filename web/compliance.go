package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	switchboard "github.com/switchboard-gov/switchboard"
)

// scopeProgress is one directive scope's phase-out as it concerns a tenant.
type scopeProgress struct {
	Directive    string
	Title        string
	Vendor       string
	State        string
	Start, End   time.Time
	Percent      int
	DaysLeft     int
	After        int // requests served by the vendor after the deadline
	Reroutes     int
	Refusals     int
	Warnings     int
	ReportURL    string
	Immediate    bool
	DeadlinePast bool
}

// ChartSeries is one vendor's requests per day.
type ChartSeries struct {
	Vendor string
	Counts []int
}

func (s *Server) compliancePage(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error) {
	cat, err := s.catalog(r.Context(), sess)
	if err != nil {
		return "", nil, err
	}
	q := r.URL.Query()
	tenant := q.Get("tenant")
	if tenant == "" && len(cat.Tenants) > 0 {
		tenant = cat.Tenants[0].ID
	}
	days := 30
	now := s.opts.Now().UTC()
	data := map[string]any{"Catalog": cat, "Tenant": tenant, "Days": days}
	rows, err := s.directives(r.Context(), sess)
	if err != nil {
		return "", nil, err
	}
	parents := map[string]string{}
	for _, t := range cat.Tenants {
		parents[t.ID] = t.Parent
	}
	within := func(t, root string) bool {
		for x := t; x != ""; x = parents[x] {
			if x == root || root == switchboard.ScopeAll {
				return true
			}
		}
		return false
	}
	var progress []scopeProgress
	for _, d := range rows {
		for i, sc := range d.Scopes {
			in := false
			for _, root := range sc.Tenants {
				in = in || within(tenant, root)
			}
			for _, ex := range sc.Except {
				in = in && !within(tenant, ex)
			}
			if !in {
				continue
			}
			p := scopeProgress{Directive: d.ID, Title: d.Title, Vendor: d.Subject.Vendor, State: d.CurrentState, Start: d.Start(i), End: d.End(i),
				ReportURL: "/console/api/audit/compliance?directive=" + url.QueryEscape(d.ID) + "&tenant=" + url.QueryEscape(tenant) + "&format=html"}
			p.Immediate = !p.End.After(p.Start)
			switch {
			case !now.After(p.Start):
				p.Percent = 0
			case !now.Before(p.End):
				p.Percent, p.DeadlinePast = 100, true
			default:
				p.Percent = int(100 * now.Sub(p.Start) / p.End.Sub(p.Start))
			}
			if now.Before(p.End) {
				p.DaysLeft = int(p.End.Sub(now).Hours()/24 + 0.999)
			}
			progress = append(progress, p)
			break
		}
	}
	data["Progress"] = progress
	if s.opts.Audit == nil {
		data["NoAudit"] = true
		return "compliance", data, nil
	}
	from := now.Truncate(24*time.Hour).AddDate(0, 0, -(days - 1))
	recs, err := s.opts.Audit.Search(r.Context(), AuditQuery{Tenant: tenant, From: from, To: now, Limit: 100000})
	if err != nil {
		return "", nil, err
	}
	for i := range progress {
		p := &progress[i]
		all, err := s.opts.Audit.Search(r.Context(), AuditQuery{Tenant: tenant, Directive: p.Directive, Limit: 100000})
		if err != nil {
			return "", nil, err
		}
		for _, rec := range all {
			switch rec.Outcome {
			case "reroute":
				p.Reroutes++
			case "refuse":
				p.Refusals++
			case "warn":
				p.Warnings++
			}
		}
		served, err := s.opts.Audit.Search(r.Context(), AuditQuery{Tenant: tenant, Vendor: p.Vendor, From: p.End, Limit: 100000})
		if err != nil {
			return "", nil, err
		}
		for _, rec := range served {
			if rec.Status < 400 && rec.Vendor == p.Vendor && !rec.At.Before(p.End) && rec.Outcome != "waived" {
				p.After++
			}
		}
	}
	series := TrafficByVendor(recs, from, days)
	data["Chart"] = TrafficChart(series, from, days)
	data["Series"] = series
	data["Total"] = len(recs)
	return "compliance", data, nil
}

// TrafficByVendor counts records per vendor per day, from the day of from,
// for days days. Vendors are sorted by name; refused requests (no vendor)
// count as "refused".
func TrafficByVendor(recs []AuditRecord, from time.Time, days int) []ChartSeries {
	from = from.UTC().Truncate(24 * time.Hour)
	byVendor := map[string][]int{}
	for _, r := range recs {
		d := int(r.At.UTC().Sub(from) / (24 * time.Hour))
		if d < 0 || d >= days {
			continue
		}
		v := r.Vendor
		if v == "" {
			v = "refused"
		}
		if byVendor[v] == nil {
			byVendor[v] = make([]int, days)
		}
		byVendor[v][d]++
	}
	out := make([]ChartSeries, 0, len(byVendor))
	for v, c := range byVendor {
		out = append(out, ChartSeries{Vendor: v, Counts: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Vendor < out[j].Vendor })
	return out
}

// chartColors are distinguishable with the common colour-vision
// deficiencies (Okabe–Ito) and readable on white.
var chartColors = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}

// TrafficChart draws the series as stacked daily bars: an inline SVG with
// a title, a description, axis labels and a legend, rendered on the
// server so it needs no script.
func TrafficChart(series []ChartSeries, from time.Time, days int) template.HTML {
	const w, h, left, bottom, top = 720, 240, 44, 28, 12
	maxDay := 0
	for d := 0; d < days; d++ {
		sum := 0
		for _, s := range series {
			sum += s.Counts[d]
		}
		if sum > maxDay {
			maxDay = sum
		}
	}
	if maxDay == 0 {
		maxDay = 1
	}
	plotH := float64(h - bottom - top)
	barW := float64(w-left-8) / float64(days)
	var b strings.Builder
	var desc []string
	for _, s := range series {
		total := 0
		for _, c := range s.Counts {
			total += c
		}
		desc = append(desc, fmt.Sprintf("%s %d", s.Vendor, total))
	}
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, w, h+24)
	fmt.Fprintf(&b, `<title id="chart-title">Requests per day by vendor, %s to %s</title>`, from.Format("Jan 2"), from.AddDate(0, 0, days-1).Format("Jan 2"))
	fmt.Fprintf(&b, `<desc id="chart-desc">Totals: %s</desc>`, template.HTMLEscapeString(strings.Join(desc, ", ")))
	for _, frac := range []float64{0, 0.5, 1} {
		y := float64(top) + plotH*(1-frac)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ccc"/><text x="%d" y="%.1f" text-anchor="end" font-size="11" fill="#333">%d</text>`,
			left, w-8, y, y, left-6, y+4, int(float64(maxDay)*frac+0.5))
	}
	for d := 0; d < days; d++ {
		y := float64(top) + plotH
		for i, s := range series {
			c := s.Counts[d]
			if c == 0 {
				continue
			}
			bh := plotH * float64(c) / float64(maxDay)
			y -= bh
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d</title></rect>`,
				float64(left)+float64(d)*barW+1, y, barW-2, bh, chartColors[i%len(chartColors)],
				from.AddDate(0, 0, d).Format("Jan 2"), template.HTMLEscapeString(s.Vendor), c)
		}
		if d%7 == 0 || d == days-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" font-size="11" fill="#333">%s</text>`,
				float64(left)+(float64(d)+0.5)*barW, h-bottom+16, from.AddDate(0, 0, d).Format("Jan 2"))
		}
	}
	x := left
	for i, s := range series {
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text x="%d" y="%d" font-size="12" fill="#111">%s</text>`,
			x, h+6, chartColors[i%len(chartColors)], x+16, h+16, template.HTMLEscapeString(s.Vendor))
		x += 24 + 8*len(s.Vendor)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, sess *Session) (string, map[string]any, error) {
	q := r.URL.Query()
	f := AuditQuery{Tenant: q.Get("tenant"), Vendor: q.Get("vendor"), Model: q.Get("model"), Directive: q.Get("directive"), Limit: 200}
	data := map[string]any{"Q": q}
	var problems []string
	parse := func(name string) time.Time {
		v := q.Get(name)
		if v == "" {
			return time.Time{}
		}
		for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t.UTC()
			}
		}
		problems = append(problems, name+": "+v+" is not a date (use YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC)")
		return time.Time{}
	}
	f.From, f.To = parse("from"), parse("to")
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		problems = append(problems, "to: the end of the range is before its start")
	}
	data["Problems"] = problems
	if s.opts.Audit == nil {
		data["NoAudit"] = true
		return "audit", data, nil
	}
	chain, err := s.opts.Audit.Verify(r.Context())
	if err != nil {
		chain = ChainStatus{Message: "verification could not run: " + switchboard.AsError(err).Message}
	}
	data["Chain"] = chain
	if len(problems) == 0 {
		recs, err := s.opts.Audit.Search(r.Context(), f)
		if err != nil {
			return "", nil, err
		}
		data["Records"] = recs
		v := url.Values{}
		for _, k := range []string{"tenant", "vendor", "model", "directive", "from", "to"} {
			if q.Get(k) != "" {
				v.Set(k, q.Get(k))
			}
		}
		v.Set("format", "csv")
		data["ExportURL"] = "/console/api/audit/export?" + v.Encode()
	}
	return "audit", data, nil
}
