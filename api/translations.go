package api

import (
	"context"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// missingFilterLists are the lists that take missing_translations, by resource.
var missingFilterLists = map[string]bool{"cities": true, "organisations": true, "indicators": true,
	"trends": true, "events": true, "reports": true, "datasets": true}

// TranslationStatusInput is get-translation-status' input: it takes no parameters.
type TranslationStatusInput struct{}

// TranslationStatusOutput is get-translation-status' response.
type TranslationStatusOutput struct {
	Body TranslationStatus
}

// TranslationStatus is how far each kind of resource is translated.
type TranslationStatus struct {
	Items []TranslationCount `json:"items" nullable:"false" maxItems:"50" doc:"One item per kind of resource that has texts meant for people."`
}

// TranslationCount is how far one kind of resource is translated.
type TranslationCount struct {
	Resource    string               `json:"resource" enum:"cities,organisations,communities,frameworks,indicators,studies,trends,events,reports,commitments,datasets" doc:"The kind of resource, named as its collection." example:"cities"`
	Texts       string               `json:"texts" maxLength:"200" doc:"The texts of each resource that count." example:"name"`
	Href        string               `json:"href" maxLength:"100" doc:"The list of these resources." example:"/v1/cities"`
	Total       int                  `json:"total" minimum:"0" maximum:"1000000000" format:"int32" doc:"How many there are (that you may read)." example:"40"`
	Languages   TranslationLanguages `json:"languages" doc:"Per language, how many are complete and how many miss it."`
	MissingHref *MissingHrefs        `json:"missing_href,omitempty" doc:"The list of the resources that miss each translation; absent when the list cannot filter by it."`
}

// TranslationLanguages counts, per language, the resources complete in it and those missing it.
type TranslationLanguages struct {
	EN LanguageCount `json:"en" doc:"English, the language every text starts in."`
	FR LanguageCount `json:"fr" doc:"French."`
	ES LanguageCount `json:"es" doc:"Spanish."`
}

// LanguageCount is how many resources have every text in a language, and how many do not.
type LanguageCount struct {
	Complete int `json:"complete" minimum:"0" maximum:"1000000000" format:"int32" doc:"Resources whose every text has a non-blank version in this language." example:"12"`
	Missing  int `json:"missing" minimum:"0" maximum:"1000000000" format:"int32" doc:"Resources with at least one text that lacks this language (complete + missing = total)." example:"28"`
}

// MissingHrefs are the lists filtered to the resources that lack a translation.
type MissingHrefs struct {
	FR string `json:"fr" maxLength:"200" doc:"The resources that lack French." example:"/v1/cities?missing_translations=fr"`
	ES string `json:"es" maxLength:"200" doc:"The resources that lack Spanish." example:"/v1/cities?missing_translations=es"`
}

func (h *handlers) getTranslationStatus(ctx context.Context, _ *TranslationStatusInput) (*TranslationStatusOutput, error) {
	counts, err := h.db.CountTranslations(ctx, callerOf(ctx).Actor)
	if err != nil {
		return nil, err
	}
	texts := map[string]string{}
	for _, r := range domain.TranslatableResources {
		texts[r.Resource] = r.Texts
	}
	out := &TranslationStatusOutput{Body: TranslationStatus{Items: make([]TranslationCount, 0, len(counts))}}
	for _, c := range counts {
		lang := func(l string) LanguageCount { return LanguageCount{Complete: c.Complete(l), Missing: c.Missing[l]} }
		item := TranslationCount{Resource: c.Resource, Texts: texts[c.Resource], Href: "/v1/" + c.Resource, Total: c.Total,
			Languages: TranslationLanguages{EN: lang("en"), FR: lang("fr"), ES: lang("es")}}
		if missingFilterLists[c.Resource] {
			item.MissingHref = &MissingHrefs{FR: item.Href + "?missing_translations=fr", ES: item.Href + "?missing_translations=es"}
		}
		out.Body.Items = append(out.Body.Items, item)
	}
	return out, nil
}
