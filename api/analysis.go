package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// BasisParams choose which observations an analysis counts: reported data that is not
// rejected, unless sample or synthetic data is asked for. Rejected values never count.
type BasisParams struct {
	Provenance   []string `query:"provenance" enum:"reported,sample,synthetic" maxItems:"3" default:"reported" example:"reported,sample" doc:"The provenances to count, comma-separated: reported (real data; the default), sample (invented for demonstrations), synthetic (generated for tests). A response that counted sample or synthetic data says so: includes_invented_data and notice."`
	Verification []string `query:"verification" enum:"self_reported,verified" maxItems:"2" default:"self_reported,verified" example:"verified" doc:"The verification states to count, comma-separated (default: both). Rejected values never count, so rejected is not accepted."`
}

// basis checks the parameters and returns the basis they choose.
func (p *BasisParams) basis() (domain.Basis, error) {
	return domain.NewBasis(p.Provenance, p.Verification)
}

// ScorecardInput is get-city-scorecard's input.
type ScorecardInput struct {
	BasisParams
	Slug      string `path:"slug" maxLength:"100" example:"bilbao"`
	Edition   int    `query:"edition" minimum:"2000" maximum:"2100" doc:"Use this edition's observations and framework. Without it, framework is required and the latest observation of each indicator is used." example:"2019"`
	Framework string `query:"framework" maxLength:"100" doc:"The framework to aggregate over (default: the edition's)." example:"uclg-smart-governance-2019"`
}

// ScorecardOutput is a city's scorecard.
type ScorecardOutput struct {
	Body *domain.Scorecard
}

// RankingInput is get-indicator-ranking's input.
type RankingInput struct {
	BasisParams
	Slug    string `path:"slug" maxLength:"100" example:"sg2019-participatory-budget"`
	Edition int    `query:"edition" minimum:"2000" maximum:"2100" doc:"Rank this edition's values; without it, each city's latest value." example:"2019"`
}

// RankingOutput is an indicator's ranking.
type RankingOutput struct {
	Body *domain.Ranking
}

// CompareInput is compare-cities' input.
type CompareInput struct {
	BasisParams
	Cities    []string `query:"cities" maxLength:"100" required:"true" minItems:"2" maxItems:"5" doc:"Two to five city slugs, comma-separated, in the order to show them." example:"malaga,durban"`
	Edition   int      `query:"edition" minimum:"2000" maximum:"2100" doc:"Compare this edition's values over its framework." example:"2019"`
	Framework string   `query:"framework" maxLength:"100" doc:"The framework whose indicators are compared (default: the edition's)." example:"uclg-smart-governance-2019"`
}

// CompareOutput is a comparison.
type CompareOutput struct {
	Body *domain.Comparison
}

// resolveFramework picks the framework of an analysis: the one asked for, else the edition's.
func (h *handlers) resolveFramework(ctx context.Context, framework string, edition int) (string, *int, error) {
	var ed *int
	if edition != 0 {
		s, err := h.db.GetStudy(ctx, edition)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return "", nil, domain.Invalid("query.edition", "no study edition %d", edition)
		}
		if err != nil {
			return "", nil, err
		}
		ed = &edition
		if framework == "" {
			if s.Framework == nil {
				return "", nil, domain.Invalid("query.framework", "edition %d has no indicator framework; name one", edition)
			}
			framework = *s.Framework
		}
	}
	if framework == "" {
		return "", nil, domain.Invalid("query.framework", "give an edition or a framework")
	}
	if _, err := h.db.GetFramework(ctx, framework); domain.ErrorCode(err) == domain.ENOTFOUND {
		return "", nil, domain.Invalid("query.framework", "no framework %q", framework)
	} else if err != nil {
		return "", nil, err
	}
	return framework, ed, nil
}

func (h *handlers) getScorecard(ctx context.Context, in *ScorecardInput) (*ScorecardOutput, error) {
	basis, err := in.basis()
	if err != nil {
		return nil, err
	}
	framework, edition, err := h.resolveFramework(ctx, in.Framework, in.Edition)
	if err != nil {
		return nil, err
	}
	sc, err := h.db.Scorecard(ctx, in.Slug, framework, edition, basis)
	if err != nil {
		return nil, err
	}
	return &ScorecardOutput{Body: sc}, nil
}

func (h *handlers) getRanking(ctx context.Context, in *RankingInput) (*RankingOutput, error) {
	basis, err := in.basis()
	if err != nil {
		return nil, err
	}
	ind, err := h.db.GetIndicator(ctx, in.Slug)
	if err != nil {
		return nil, err
	}
	if ind.Direction == "none" || ind.ValueType == "text" {
		return nil, domain.Invalid("path.slug", "indicator %q has no direction (higher or lower is better), so it cannot be ranked", in.Slug)
	}
	var edition *int
	if in.Edition != 0 {
		edition = &in.Edition
	}
	r, err := h.db.Ranking(ctx, ind, edition, basis)
	if err != nil {
		return nil, err
	}
	return &RankingOutput{Body: r}, nil
}

func (h *handlers) compareCities(ctx context.Context, in *CompareInput) (*CompareOutput, error) {
	seen := map[string]bool{}
	for _, c := range in.Cities {
		if seen[c] {
			return nil, domain.Invalid("query.cities", "city %q is listed twice", c)
		}
		seen[c] = true
	}
	basis, err := in.basis()
	if err != nil {
		return nil, err
	}
	framework, edition, err := h.resolveFramework(ctx, in.Framework, in.Edition)
	if err != nil {
		return nil, err
	}
	cmp, err := h.db.Compare(ctx, in.Cities, framework, edition, basis)
	if err != nil {
		return nil, err
	}
	return &CompareOutput{Body: cmp}, nil
}
