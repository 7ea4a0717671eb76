package check

import (
	"regexp"
	"regexp/syntax"
)

// pattern is a compiled schema pattern. Patterns that are a sequence of ASCII character classes
// with counts, anchored at both ends (the spec's: `^[\x20-\x7E]+$`, `^[1-9][0-9]{15}$`,
// `^[0-9]{1,20}$`), are matched byte by byte against bitmaps; anything else goes to package
// regexp. Both give the same answer (pattern_test.go).
type pattern struct {
	re    *regexp.Regexp
	steps []classStep // nil: use re
}

// classStep matches between min and max (-1: any number) bytes of a class.
type classStep struct {
	set      [256]bool
	min, max int
}

func compilePattern(expr string) (*pattern, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, err
	}
	p := &pattern{re: re}
	if tree, err := syntax.Parse(expr, syntax.Perl); err == nil {
		p.steps = classSteps(tree)
	}
	return p, nil
}

// classSteps turns ^(class{m,n})...$ into steps, or returns nil. Only the last step may have a
// range (min != max), so greedy matching needs no backtracking.
func classSteps(re *syntax.Regexp) []classStep {
	if re.Op != syntax.OpConcat || len(re.Sub) < 3 || re.Sub[0].Op != syntax.OpBeginText ||
		re.Sub[len(re.Sub)-1].Op != syntax.OpEndText {
		return nil
	}
	var steps []classStep
	for i, sub := range re.Sub[1 : len(re.Sub)-1] {
		st := classStep{min: 1, max: 1}
		switch sub.Op {
		case syntax.OpPlus:
			st.min, st.max, sub = 1, -1, sub.Sub[0]
		case syntax.OpStar:
			st.min, st.max, sub = 0, -1, sub.Sub[0]
		case syntax.OpQuest:
			st.min, st.max, sub = 0, 1, sub.Sub[0]
		case syntax.OpRepeat:
			st.min, st.max, sub = sub.Min, sub.Max, sub.Sub[0]
		}
		if !asciiSet(sub, &st.set) {
			return nil
		}
		if st.min != st.max && i != len(re.Sub)-3 {
			return nil
		}
		steps = append(steps, st)
	}
	return steps
}

// asciiSet fills set from a character class or a literal rune that lies within ASCII.
func asciiSet(re *syntax.Regexp, set *[256]bool) bool {
	if re.Flags&syntax.FoldCase != 0 {
		return false
	}
	switch re.Op {
	case syntax.OpCharClass:
		for i := 0; i+1 < len(re.Rune); i += 2 {
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo < 0 || hi >= 0x80 {
				return false
			}
			for c := lo; c <= hi; c++ {
				set[c] = true
			}
		}
		return true
	case syntax.OpLiteral:
		if len(re.Rune) != 1 || re.Rune[0] >= 0x80 || re.Rune[0] < 0 {
			return false
		}
		set[re.Rune[0]] = true
		return true
	}
	return false
}

// MatchString reports whether s matches. ASCII classes never match a byte of a multi-byte or
// invalid UTF-8 sequence, so matching bytes is matching runes here.
func (p *pattern) MatchString(s string) bool {
	if p.steps == nil {
		return p.re.MatchString(s)
	}
	return matchSteps(p.steps, s)
}

// Match is [pattern.MatchString] for bytes.
func (p *pattern) Match(b []byte) bool {
	if p.steps == nil {
		return p.re.Match(b)
	}
	return matchSteps(p.steps, b)
}

func matchSteps[T string | []byte](steps []classStep, s T) bool {
	i := 0
	for _, st := range steps {
		n := 0
		for i < len(s) && (st.max < 0 || n < st.max) && st.set[s[i]] {
			i++
			n++
		}
		if n < st.min {
			return false
		}
	}
	return i == len(s)
}

// String returns the expression.
func (p *pattern) String() string { return p.re.String() }
