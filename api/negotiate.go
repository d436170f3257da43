package api

import (
	"mime"
	"strconv"
	"strings"
)

// negotiate picks, from an Accept header, the offer of the media range with the highest q-value
// (the first listed on a tie); offers maps media ranges (text/csv, text/*, */*) to what the
// caller answers with. false when no range of the header is offered with a q above zero.
func negotiate(accept string, offers map[string]string) (string, bool) {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if q, err = strconv.ParseFloat(s, 64); err != nil {
				continue
			}
		}
		if f, ok := offers[mt]; ok && q > bestQ {
			best, bestQ = f, q
		}
	}
	return best, best != ""
}
