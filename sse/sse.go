// Package sse frames and parses Server-Sent Events (the WHATWG event-stream
// format) without interpreting their payloads. The parser is push-based so the
// same code reads an upstream body and observes bytes being passed through.
package sse

import (
	"bytes"
	"io"
)

// Event is one dispatched event. Name is empty when the stream had no
// "event:" line; Data joins multiple "data:" lines with "\n". Both slices
// are only valid until the next call into the Parser.
type Event struct {
	Name []byte
	Data []byte
}

// MaxLine bounds a single line so a hostile or broken upstream cannot make
// the parser buffer without end.
const MaxLine = 8 << 20

// ErrLineTooLong is returned when a line exceeds MaxLine.
var ErrLineTooLong = errorString("sse: line too long")

type errorString string

func (e errorString) Error() string { return string(e) }

// Parser turns bytes into events. The zero value is ready to use.
type Parser struct {
	line    []byte // a partial line carried between Feed calls
	name    []byte
	data    []byte
	hasData bool
	skipLF  bool // the last byte seen was '\r'; a following '\n' belongs to it
}

// Feed parses b and calls emit for each complete event. emit must not keep
// the event's slices. It returns the first error emit returns.
func (p *Parser) Feed(b []byte, emit func(Event) error) error {
	for len(b) > 0 {
		if p.skipLF {
			p.skipLF = false
			if b[0] == '\n' {
				b = b[1:]
				continue
			}
		}
		i := bytes.IndexAny(b, "\r\n")
		if i < 0 {
			if len(p.line)+len(b) > MaxLine {
				return ErrLineTooLong
			}
			p.line = append(p.line, b...)
			return nil
		}
		var line []byte
		if len(p.line) > 0 {
			if len(p.line)+i > MaxLine {
				return ErrLineTooLong
			}
			p.line = append(p.line, b[:i]...)
			line = p.line
		} else {
			line = b[:i]
		}
		if b[i] == '\r' {
			p.skipLF = true
		}
		b = b[i+1:]
		err := p.processLine(line, emit)
		p.line = p.line[:0]
		if err != nil {
			return err
		}
	}
	return nil
}

// Flush dispatches an event left pending when the stream ended without a
// blank line. Servers should not do that, but some do.
func (p *Parser) Flush(emit func(Event) error) error {
	if len(p.line) > 0 {
		line := p.line
		p.line = nil
		if err := p.processLine(line, emit); err != nil {
			return err
		}
	}
	return p.dispatch(emit)
}

func (p *Parser) processLine(line []byte, emit func(Event) error) error {
	if len(line) == 0 {
		return p.dispatch(emit)
	}
	if line[0] == ':' {
		return nil // comment
	}
	field, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		field, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(field) {
	case "event":
		p.name = append(p.name[:0], value...)
	case "data":
		if p.hasData {
			p.data = append(p.data, '\n')
		}
		p.data = append(p.data, value...)
		p.hasData = true
	}
	// id and retry are not used by any LLM protocol; ignore them like
	// unknown fields.
	return nil
}

func (p *Parser) dispatch(emit func(Event) error) error {
	if !p.hasData {
		p.name = p.name[:0]
		return nil
	}
	err := emit(Event{Name: p.name, Data: p.data})
	p.name, p.data, p.hasData = p.name[:0], p.data[:0], false
	return err
}

// Reader reads events from an io.Reader.
type Reader struct {
	r       io.Reader
	p       Parser
	buf     []byte
	pending []Event
	err     error
}

// NewReader returns a Reader over r.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, buf: make([]byte, 32<<10)}
}

// Next returns the next event, or io.EOF at the end of the stream. The
// event's slices are valid until the next call.
func (r *Reader) Next() (Event, error) {
	for len(r.pending) == 0 {
		if r.err != nil {
			return Event{}, r.err
		}
		n, err := r.r.Read(r.buf)
		r.pending = r.pending[:0]
		collect := func(ev Event) error {
			name := append([]byte(nil), ev.Name...)
			data := append([]byte(nil), ev.Data...)
			r.pending = append(r.pending, Event{Name: name, Data: data})
			return nil
		}
		if n > 0 {
			if perr := r.p.Feed(r.buf[:n], collect); perr != nil {
				r.err = perr
			}
		}
		if err != nil {
			if err == io.EOF {
				_ = r.p.Flush(collect)
			}
			if r.err == nil {
				r.err = err
			}
		}
	}
	ev := r.pending[0]
	r.pending = r.pending[1:]
	return ev, nil
}

// AppendEvent appends one framed event to dst: an "event:" line when name is
// not empty, one "data:" line per line of data, and the blank line that
// dispatches it.
func AppendEvent(dst []byte, name string, data []byte) []byte {
	if name != "" {
		dst = append(dst, "event: "...)
		dst = append(dst, name...)
		dst = append(dst, '\n')
	}
	for {
		i := bytes.IndexByte(data, '\n')
		dst = append(dst, "data: "...)
		if i < 0 {
			dst = append(dst, data...)
			dst = append(dst, '\n')
			break
		}
		dst = append(dst, data[:i]...)
		dst = append(dst, '\n')
		data = data[i+1:]
	}
	return append(dst, '\n')
}
