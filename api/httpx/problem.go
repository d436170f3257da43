package httpx

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// Problem is an RFC 9457 problem document: the body of every error response.
type Problem struct {
	Type     string           `json:"type,omitempty" format:"uri-reference" maxLength:"200" doc:"A URI reference naming the problem type; about:blank when the status says it all."`
	Title    string           `json:"title" maxLength:"100" doc:"The HTTP status text." example:"Unprocessable Entity"`
	Status   int              `json:"status" minimum:"100" maximum:"599" doc:"The HTTP status code." example:"422"`
	Detail   string           `json:"detail,omitempty" maxLength:"2000" doc:"What went wrong, for people."`
	Instance string           `json:"instance,omitempty" format:"uri-reference" maxLength:"2048" doc:"The request that failed, when known."`
	Errors   []*ProblemDetail `json:"errors,omitempty" maxItems:"1000" doc:"The fields at fault, for validation problems (at most 1000)."`

	// TranslationFallbacks lists the JSON pointers of the texts left in English in a problem
	// asked for in French or Spanish.
	TranslationFallbacks []string `json:"translation_fallbacks,omitempty" maxItems:"1000" maxLength:"300" pattern:"^(/[^/]*)*$" doc:"In a problem asked for in French or Spanish, the JSON pointers of the texts that are still in English (/detail, /errors/0/message): those messages are not translated yet."`
}

// ProblemDetail names one field at fault.
type ProblemDetail struct {
	Message  string `json:"message" maxLength:"2000" doc:"What is wrong with it."`
	Location string `json:"location,omitempty" maxLength:"200" doc:"Where it is: body.name.en, query.section, body.row[12].value…" example:"body.country"`
	Value    any    `json:"value,omitempty" doc:"The value that was sent, when it helps."`
}

// Error implements error.
func (p *Problem) Error() string { return p.Detail }

// GetStatus is the problem's HTTP status (huma.StatusError).
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes problems application/problem+json (huma.ContentTypeFilter).
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

// NewProblem builds a problem with the status text as title.
func NewProblem(status int, detail string) *Problem {
	return &Problem{Status: status, Title: http.StatusText(status), Detail: detail}
}

// WriteProblem writes a problem document outside Huma (router fallbacks, middleware).
func WriteProblem(w http.ResponseWriter, status int, detail string) {
	WriteProblemDocument(w, NewProblem(status, detail))
}

// WriteProblemDocument writes p outside Huma, with its status.
func WriteProblemDocument(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	b, _ := JSONMarshal(p)
	_, _ = w.Write(b) // #nosec G705 -- JSON served as application/problem+json with nosniff, not HTML
}

// JSONMarshal encodes v without HTML escaping, as Huma does.
func JSONMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
