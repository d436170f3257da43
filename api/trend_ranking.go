package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TrendRankingInput is get-trend-ranking's input.
type TrendRankingInput struct {
	BasisParams
	Edition  int    `query:"edition" minimum:"2000" maximum:"2100" doc:"Count only the cities taking part in this study edition." example:"2019"`
	Section  string `query:"section" enum:"africa,asia_pacific,eurasia,europe,middle_east_west_asia,latin_america,north_america" doc:"Count only the cities of this UCLG section." example:"europe"`
	Year     int    `query:"year" minimum:"1990" maximum:"2100" doc:"Count each city's latest record of this year or before (default: its latest)." example:"2019"`
	Category string `query:"category" enum:"ai_analytics,open_data_platforms,digital_participation,digital_twins,iot,blockchain,chatbots,digital_identity,cloud,other" doc:"Rank only the trends of this category." example:"digital_participation"`
}

// TrendRankingOutput is the trend ranking.
type TrendRankingOutput struct {
	Body *domain.TrendRanking
}

func (h *handlers) getTrendRanking(ctx context.Context, in *TrendRankingInput) (*TrendRankingOutput, error) {
	b, err := in.basis()
	if err != nil {
		return nil, err
	}
	f := domain.TrendRankingFilter{Basis: b, Section: in.Section, Year: in.Year, Category: in.Category}
	if in.Edition != 0 {
		if _, err := h.db.GetStudy(ctx, in.Edition); domain.ErrorCode(err) == domain.ENOTFOUND {
			return nil, domain.Invalid("query.edition", "no study edition %d", in.Edition)
		} else if err != nil {
			return nil, err
		}
		f.Edition = &in.Edition
	}
	r, err := h.db.TrendRanking(ctx, f)
	if err != nil {
		return nil, err
	}
	return &TrendRankingOutput{Body: r}, nil
}
