package domain

// TranslationCount says how far the texts meant for people of one kind of resource are
// translated: how many resources there are, and per language how many have at least one text
// that lacks it (see TranslatableResources for which texts count).
type TranslationCount struct {
	Resource string         // one of TranslatableResources
	Total    int            // how many there are
	Missing  map[string]int // per language of Languages
}

// Complete is how many of the resources have every text in lang.
func (c TranslationCount) Complete(lang string) int { return c.Total - c.Missing[lang] }

// TranslatableResources are the kinds of resource whose texts are counted, by the name of
// their collection in the API, each with the texts that count: every text of the resource,
// including those nested in it and stored with it. Texts of other records that refer to it
// (a city's trend adoption records, a body's roles) belong to those records.
var TranslatableResources = []struct{ Resource, Texts string }{
	{"cities", "name"},
	{"organisations", "name"},
	{"communities", "name, description"},
	{"frameworks", "name, description, and the names of its dimensions"},
	{"indicators", "name, description, methodology, and the labels of its ordinal levels"},
	{"studies", "title, focus, conclusions, and the milestones of its schedule"},
	{"trends", "name, description"},
	{"events", "title, description, place, outcomes, and the titles of its links"},
	{"reports", "title, and the title and text of every activity, leadership update and result"},
	{"commitments", "title, description"},
	{"datasets", "title, description"},
}
