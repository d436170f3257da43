package seed

import "github.com/uclg-digital-cities/digitalcities/internal/domain"

const (
	sg2019 = "uclg-smart-governance-2019"
	u4ssc  = "itu-t-y4903"
	losi   = "un-losi"
)

func dim(slug, parent, en string) domain.Dimension {
	d := domain.Dimension{Slug: slug, Name: domain.Text{EN: en}}
	if parent != "" {
		d.Parent = &parent
	}
	return d
}

// frameworks: the 2019 edition's Smart Governance framework (its structure is the one the
// Community's 2019–2020 report describes), and two other frameworks the API must hold.
var frameworks = []domain.FrameworkCreate{
	{Slug: sg2019, Publisher: ptr("UCLG Community of Practice on Digital Cities"),
		// The framework's name in English only: UCLG published no name of the framework in French or
		// Spanish (the study itself keeps its English name in both; see studies).
		Name: domain.Text{EN: "Smart Cities Study 2019: Smart Governance"},
		Description: &domain.Text{EN: "Smart governance is open (transparency, participation, open data, accountability and " +
			"collaboration) and involves advanced strategic management (anticipating future challenges, strategic " +
			"planning, evaluating actions and using data in decision-making)."},
		Dimensions: []domain.Dimension{
			dim("open-government", "", "Open government"),
			dim("transparency", "open-government", "Transparency"),
			dim("participation", "open-government", "Participation"),
			dim("open-data", "open-government", "Open data"),
			dim("accountability", "open-government", "Accountability"),
			dim("collaboration", "open-government", "Collaboration"),
			dim("advanced-strategic-management", "", "Advanced strategic management"),
			dim("foresight", "advanced-strategic-management", "Foresight: anticipating future challenges"),
			dim("strategic-planning", "advanced-strategic-management", "Strategic planning"),
			dim("evaluation", "advanced-strategic-management", "Evaluation"),
			dim("data-driven-decisions", "advanced-strategic-management", "Data-driven decision-making"),
		}},
	{Slug: u4ssc, Publisher: ptr("ITU-T / United for Smart Sustainable Cities (U4SSC)"),
		Name: domain.Text{EN: "ITU-T Y.4903: key performance indicators for smart sustainable cities (U4SSC KPIs)"},
		Dimensions: []domain.Dimension{
			dim("economy", "", "Economy (EC)"),
			dim("ict", "economy", "Information and communication technology (ICT)"),
			dim("public-sector", "ict", "Public sector (PS)"),
		}},
	{Slug: losi, Publisher: ptr("UN DESA"),
		Name:        domain.Text{EN: "UN Local Online Service Index (LOSI)"},
		Description: &domain.Text{EN: "Binary (0/1) indicators of city portals, held here as boolean indicators."},
		Dimensions: []domain.Dimension{
			dim("institutional-framework", "", "Institutional framework"),
			dim("content-provision", "", "Content provision"),
			dim("services-provision", "", "Services provision"),
			dim("participation-and-engagement", "", "Participation and engagement"),
			dim("technology", "", "Technology"),
		}},
}

type seedIndicator struct {
	slug   string
	fields domain.IndicatorFields
}

func levels(codes ...string) domain.Levels {
	l := domain.Levels{}
	for i, c := range codes {
		l = append(l, domain.Level{Code: c, Label: domain.Text{EN: c}, Rank: i})
	}
	return l
}

// sampleIndicator is an indicator invented to illustrate a dimension: the 2019 questionnaire is
// not public, so these are marked "sample".
func sampleIndicator(slug, dimension, code, name, valueType, direction string) seedIndicator {
	return seedIndicator{slug, domain.IndicatorFields{Framework: sg2019, Dimension: dimension, Code: code,
		Name: domain.Text{EN: name}, Description: &domain.Text{EN: name + " (sample indicator for demonstrations)."},
		ValueType: valueType, Direction: direction, Provenance: "sample"}}
}

var indicators = func() []seedIndicator {
	maturity := sampleIndicator("sg2019-open-data-maturity", "open-data", "OD-2", "Open data programme maturity", "ordinal", "higher_is_better")
	maturity.fields.Levels = levels("none", "initial", "defined", "managed", "optimised")
	plan := sampleIndicator("sg2019-strategic-plan-status", "strategic-planning", "SP-1", "Status of the city's strategic plan", "ordinal", "higher_is_better")
	plan.fields.Levels = levels("none", "draft", "adopted", "monitored")
	datasets := sampleIndicator("sg2019-open-datasets", "open-data", "OD-1", "Datasets published on the open data portal", "count", "higher_is_better")
	datasets.fields.Equivalents = []string{"u4ssc-open-data-number"}
	return []seedIndicator{
		// U4SSC reports KPI EC: ICT: PS: 1A (Open Data) in two forms, a percentage and a number.
		// An observation holds one typed value, so the API holds the two forms as two indicators
		// with the same code (a code is unique within a framework for each value type): one
		// typed percentage, one typed count. Neither is given a definition beyond the
		// Recommendation's own.
		{"u4ssc-open-data", domain.IndicatorFields{Framework: u4ssc, Dimension: "public-sector", Code: "EC: ICT: PS: 1A",
			Name: domain.Text{EN: "Open Data (percentage)"}, ValueType: "percentage", Unit: ptr("%"), Direction: "higher_is_better",
			Description: &domain.Text{EN: "U4SSC KPI EC: ICT: PS: 1A, Open Data, in its percentage form; its number form is u4ssc-open-data-number."},
			Methodology: &domain.Text{EN: "As defined in Recommendation ITU-T Y.4903."},
			Sources:     []string{"Recommendation ITU-T Y.4903"}, Provenance: "reported"}},
		{"u4ssc-open-data-number", domain.IndicatorFields{Framework: u4ssc, Dimension: "public-sector", Code: "EC: ICT: PS: 1A",
			Name: domain.Text{EN: "Open Data (number)"}, ValueType: "count", Direction: "higher_is_better",
			Description: &domain.Text{EN: "U4SSC KPI EC: ICT: PS: 1A, Open Data, in its number form; its percentage form is u4ssc-open-data."},
			Methodology: &domain.Text{EN: "As defined in Recommendation ITU-T Y.4903."},
			Sources:     []string{"Recommendation ITU-T Y.4903"}, Provenance: "reported"}},
		{"losi-open-government-data", domain.IndicatorFields{Framework: losi, Dimension: "content-provision", Code: "LOSI-OGD",
			Name:      domain.Text{EN: "The portal offers open government data (sample LOSI-style criterion)"},
			ValueType: "boolean", Direction: "higher_is_better", Provenance: "sample"}},
		sampleIndicator("sg2019-transparency-portal", "transparency", "TR-1", "Transparency portal in operation", "boolean", "higher_is_better"),
		sampleIndicator("sg2019-participatory-budget", "participation", "PA-1", "Share of the investment budget decided through participatory budgeting", "percentage", "higher_is_better"),
		datasets,
		maturity,
		sampleIndicator("sg2019-accountability-report", "accountability", "AC-1", "Annual accountability report published", "boolean", "higher_is_better"),
		sampleIndicator("sg2019-collaboration-agreements", "collaboration", "CO-1", "Collaboration agreements with universities, companies and civil society", "count", "higher_is_better"),
		sampleIndicator("sg2019-foresight-function", "foresight", "FO-1", "A foresight unit or function exists", "boolean", "higher_is_better"),
		plan,
		sampleIndicator("sg2019-evaluated-programmes", "evaluation", "EV-1", "Share of municipal programmes evaluated in the last two years", "percentage", "higher_is_better"),
		sampleIndicator("sg2019-data-office", "data-driven-decisions", "DD-1", "A chief data officer or data office exists", "boolean", "higher_is_better"),
		sampleIndicator("sg2019-data-use", "data-driven-decisions", "DD-2", "How data informs decisions", "text", "none"),
	}
}()

// year is a date known only to the year.
func year(y string) domain.DateWithPrecision {
	return domain.DateWithPrecision{Value: &y, Precision: "year"}
}

type seedStudy struct {
	edition int
	fields  domain.StudyFields
}

// studies are the real editions of the Smart Cities Study, with what our sources (the GUIDE and
// the 2019–2020 report) say of them: year, declared city count, focus as the edition published
// it (2017: innovation and entrepreneurship). No source gives their country counts, so none is
// recorded. Titles carry French and Spanish versions where UCLG published the edition's name in
// that language (sourcedTexts: it keeps "Smart Cities Study"); focuses and milestones, in the
// words of the English sources, stay in English.
var studies = []seedStudy{
	{2012, domain.StudyFields{Title: domain.Text{EN: "Smart Cities Study 2012"}, Status: "published",
		Focus: domain.Text{EN: "A holistic view of cities' potential for growth and transformation."}, DeclaredCityCount: ptr(28)}},
	{2017, domain.StudyFields{Title: known("Smart Cities Study 2017"), Status: "published",
		Focus: domain.Text{EN: "Innovation and entrepreneurship."}, DeclaredCityCount: ptr(20)}},
	{2019, domain.StudyFields{Title: known("Smart Cities Study 2019: Smart Governance"), Status: "published",
		Focus: domain.Text{EN: "Smart governance: open government (transparency, participation, open data, accountability, " +
			"collaboration) and advanced strategic management (foresight, strategic planning, evaluation, data-driven " +
			"decision-making), and the smart-governance technology trends considered key in the next 4-5 years."},
		Framework: ptr(sg2019), DeclaredCityCount: ptr(24),
		// The report dates the completion only as "end of 2019": that is the year 2019, not December.
		Schedule: domain.Milestones{
			{When: year("2019"), Milestone: domain.Text{EN: "End of 2019: the study is completed; in the last few months of 2019 it is finalised and ready for official publication."}},
			{When: year("2020"), Milestone: domain.Text{EN: "Promoting and publicising the study: communication and promotion plan, official launch, presentation at international forums."}},
		}}},
	{2021, domain.StudyFields{Title: known("Smart Cities Study 2021"), Status: "published",
		Focus: domain.Text{EN: "Resilience."}, DeclaredCityCount: ptr(35)}},
	{2023, domain.StudyFields{Title: domain.Text{EN: "Smart Cities Study 2023"}, Status: "published",
		Focus: domain.Text{EN: "Innovation ecosystems and the Sustainable Development Goals."}, DeclaredCityCount: ptr(20)}},
}
