package guard

// A small Aho-Corasick automaton, compiled to a DFA over byte classes.
//
// Hand-written rather than github.com/BobuSumisu/aho-corasick because the
// scanner needs ASCII case folding and whitespace folding in the automaton
// itself, word-boundary checks with "prefix" patterns (track* matches
// tracking), and a matching loop that allocates nothing per match: one table
// lookup per byte keeps the context pass at about 1 ns/byte.

// acMatch is one keyword occurrence: pattern id and byte span.
type acMatch struct {
	start, end int32
	pat        int32
}

type automaton struct {
	class   [256]uint8
	nclass  int
	delta   []int32 // state*nclass + class -> state
	out     []int32 // first pattern ending at state, or -1
	outNext []int32 // next state (via fail links) with an output, or -1
	pats    []acPattern
	patNext []int32 // other patterns ending at the same state
}

type acPattern struct {
	text   string // lower case, single spaces
	prefix bool   // no word boundary needed after it
}

// normByte folds case and whitespace the way the automaton sees text.
func normByte(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + 32
	case c == '\n' || c == '\t' || c == '\r':
		return ' '
	}
	return c
}

func newAutomaton(pats []acPattern) *automaton {
	a := &automaton{pats: pats}
	// Byte classes: one per distinct normalised byte used by a pattern.
	var used [256]bool
	for _, p := range pats {
		for i := 0; i < len(p.text); i++ {
			used[p.text[i]] = true
		}
	}
	var cls [256]uint8
	n := 1
	for c := 0; c < 256; c++ {
		if used[c] {
			cls[c] = uint8(n)
			n++
		}
	}
	for c := 0; c < 256; c++ {
		a.class[c] = cls[normByte(byte(c))]
	}
	a.nclass = n
	// Trie.
	goto_ := [][]int32{make([]int32, n)}
	a.out = []int32{-1}
	a.patNext = make([]int32, len(pats))
	for pi, p := range pats {
		s := int32(0)
		for i := 0; i < len(p.text); i++ {
			c := cls[p.text[i]]
			if goto_[s][c] == 0 {
				goto_ = append(goto_, make([]int32, n))
				a.out = append(a.out, -1)
				goto_[s][c] = int32(len(goto_) - 1)
			}
			s = goto_[s][c]
		}
		a.patNext[pi] = a.out[s]
		a.out[s] = int32(pi)
	}
	// BFS for fail links and the full DFA.
	ns := len(goto_)
	fail := make([]int32, ns)
	a.outNext = make([]int32, ns)
	for i := range a.outNext {
		a.outNext[i] = -1
	}
	a.delta = make([]int32, ns*n)
	queue := []int32{}
	for c := 1; c < n; c++ {
		if t := goto_[0][c]; t != 0 {
			queue = append(queue, t)
			a.delta[c] = t
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		f := fail[s]
		if a.out[f] >= 0 {
			a.outNext[s] = f
		} else {
			a.outNext[s] = a.outNext[f]
		}
		for c := 0; c < n; c++ {
			if t := goto_[s][c]; t != 0 && c != 0 {
				fail[t] = a.delta[int(f)*n+c]
				queue = append(queue, t)
				a.delta[int(s)*n+c] = t
			} else {
				a.delta[int(s)*n+c] = a.delta[int(f)*n+c]
			}
		}
	}
	return a
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// match appends to dst every whole-word occurrence of a pattern in text.
// A pattern must start at a word boundary and, unless it is a prefix
// pattern, end at one; patterns that begin or end with a non-word byte
// ("mr.", "#") carry their own boundary on that side.
func (a *automaton) match(text string, dst []acMatch) []acMatch {
	s := int32(0)
	n := int32(a.nclass)
	delta, out := a.delta, a.out
	for i := 0; i < len(text); i++ {
		s = delta[s*n+int32(a.class[text[i]])]
		if out[s] < 0 && a.outNext[s] < 0 {
			continue
		}
		for st := s; st >= 0; st = a.outNext[st] {
			for p := out[st]; p >= 0; p = a.patNext[p] {
				pt := &a.pats[p]
				start := i + 1 - len(pt.text)
				if start > 0 && isWordByte(text[start-1]) && isWordByte(pt.text[0]) {
					continue
				}
				if !pt.prefix && i+1 < len(text) && isWordByte(text[i+1]) && isWordByte(pt.text[len(pt.text)-1]) {
					continue
				}
				dst = append(dst, acMatch{int32(start), int32(i + 1), p})
			}
		}
	}
	return dst
}
