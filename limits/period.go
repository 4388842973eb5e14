package limits

import "time"

// Period is a budget's calendar period. Periods are in UTC: a day starts at
// midnight, a week on Monday at midnight, a month on its first day.
type Period string

// The budget periods.
const (
	Day   Period = "day"
	Week  Period = "week"
	Month Period = "month"
)

// Periods lists every period; spend is recorded for each of them so a
// report can ask for any.
var Periods = [...]Period{Day, Week, Month}

// Valid reports whether p is day, week or month.
func (p Period) Valid() bool { return p == Day || p == Week || p == Month }

// Start returns the beginning of the period that contains t.
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	switch p {
	case Week:
		// time.Weekday counts from Sunday; ISO weeks start on Monday.
		back := (int(t.Weekday()) + 6) % 7
		return time.Date(y, m, d-back, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
}

// End returns the beginning of the period after the one that contains t:
// the moment a budget for that period resets.
func (p Period) End(t time.Time) time.Time {
	s := p.Start(t)
	switch p {
	case Week:
		return s.AddDate(0, 0, 7)
	case Month:
		return s.AddDate(0, 1, 0)
	default:
		return s.AddDate(0, 0, 1)
	}
}

// per is how a message says "per day".
func (p Period) per() string { return "per " + string(p) }
