package seed

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/postgres"
)

// The 2019–2020 report of the Community of Practice on Digital Cities to the UCLG World
// Secretariat is the source document of this project. It is loaded as a published report,
// faithfully: every section and every sentence of the source, in its words and its emphasis
// (Markdown bold where the source is bold), nothing added; links name the records the API holds
// for what it mentions. Its commitments are the things it says will be done.

const reportBody = "digital-cities"

var reportPeriod = domain.ReportPeriod{Start: "2019-01-01", End: "2020-12-31"}

// reportOwner is who the report says carries out its commitments.
const reportOwner = "Committee on Digital Cities"

// reportCommitments are what the report undertakes for 2020 and beyond, in its words.
var reportCommitments = []domain.CommitmentFields{
	{Title: domain.Text{EN: "Define and implement the Smart Cities Study Communication and Promotion Plan"},
		Due: year("2020")},
	{Title: domain.Text{EN: "Launch the study officially through the communication channels of the Committee and UCLG: website, social networks, newsletter and others"},
		Due: year("2020")},
	{Title: domain.Text{EN: "Identify international forums to present and circulate the main conclusions of the study"},
		Due: year("2020")},
	{Title: domain.Text{EN: "Draft documents with recommendations on Smart Cities-related issues, in collaborative work with other institutions"},
		Due: domain.DateWithPrecision{Precision: "unknown"}},
}

func link(kind, ref string) domain.ReportLink { return domain.ReportLink{Kind: kind, Ref: ref} }

func section(text string, links ...domain.ReportLink) domain.ReportSection {
	return domain.ReportSection{Text: domain.Text{EN: text}, Links: links}
}

func activity(priority, text string, links ...domain.ReportLink) domain.Activity {
	return domain.Activity{Priority: priority, ReportSection: section(text, links...)}
}

// reportContent is the source document as data; commitments are the ids of reportCommitments.
func reportContent(commitments []int64) domain.ReportContent {
	ref := func(i int) domain.ReportLink { return link("commitment", strconv.FormatInt(commitments[i], 10)) }
	resultsTitle := func(s string) *domain.Text { return &domain.Text{EN: s} }
	study := link("study", "2019")
	return domain.ReportContent{
		Title: domain.Text{EN: "Work of Communities of practice in 2019-2020: Community of Practice on Digital Cities"},
		Activities: []domain.Activity{
			activity("implementation", "UCLG's process of reflecting on its operational structure led to the creation of a **new structure "+
				"of consultation mechanisms** made up of policy councils, committees, working groups, communities of practice and forums. "+
				"Based on this new structure, it was proposed that the Committee of Digital and Knowledge-based Cities be converted into "+
				"the **\"Committee on Digital Cities\"**, which continues to be chaired by the City of Bilbao.",
				link("community", reportBody), link("city", "bilbao")),
			activity("implementation", "The Committee on Digital Cities' main goal is to update the \"Smart Cities Study\" every 2-3 years. "+
				"This study has a comprehensive and cross-cutting approach to the various levers for a city's potential for growth and "+
				"transformation.", study),
			activity("implementation", "The proposed schedule of activities is as follows:\n\n"+
				"End of 2019: the study is completed\n\n"+
				"In the last few months of 2019, the study will be finalised and ready for official publication.\n\n"+
				"2020: promoting and publicising the study\n\n"+
				"The Smart Cities Study Communication and Promotion Plan will be defined and implemented and will include the study's "+
				"official launch through the various communication channels available both to the Committee and UCLG: website, social "+
				"networks, newsletter and others. Likewise, international forums will be identified to present and circulate the main "+
				"conclusions of the study.", study, ref(0), ref(1), ref(2)),
			activity("implementation", "As well as preparing and publishing the Smart Cities Study, there will be collaborative work with "+
				"other institutions, drafting documents with recommendations on Smart Cities-related issues.", ref(3)),
			activity("advocacy", "The **City of Bilbao, represented by its Mayor, Juan Mari Aburto**, continues to chair the work carried "+
				"out by the Committee on Digital Cities.", link("city", "bilbao"), link("community", reportBody)),
			activity("advocacy", "In addition to chairing the Committee on Digital Cities, the City of Bilbao is part of the leadership "+
				"team of the following UCLG consultative bodies, facilitating the **creation of possible synergies**:\n\n"+
				"- Co-president of the \"Opportunities for All, Culture and City Diplomacy: Keys to Sustainable Development and Peace\" "+
				"Policy Council\n"+
				"- Vice-Chair of the Committee on Culture",
				link("city", "bilbao"), link("community", "opportunities-for-all-culture-city-diplomacy"),
				link("community", "committee-on-culture")),
			activity("monitoring", "The Committee reports periodically to the World Secretariat on the progress made in implementing its "+
				"activities, in particular in preparing the third edition of the Smart Cities Study.", study),
			activity("learning", "Collaboration on organising **learning events** with other international institutions working on Smart "+
				"Cities-related issues: UN-HABITAT, Uraía Platform, WeGo, WBA, among others, to position new technologies as a tool to "+
				"achieve the sustainable development of cities.", link("event", "learning-events-2020"),
				link("organisation", "un-habitat"), link("organisation", "uraia"), link("organisation", "wego"),
				link("organisation", "wba")),
			activity("network", "In preparing this third edition of the Smart Cities Study, we have sought as much involvement as possible "+
				"from the members of the UCLG Committee and UCLG.", study),
		},
		Commitments:      commitments,
		LeadershipUpdate: []domain.ReportSection{section("No change is anticipated in the Committee's leadership in 2020.")},
		Results: []domain.ReportSection{
			{Title: resultsTitle("SMART CITIES STUDY"), Text: domain.Text{EN: "Throughout 2019, work has been carried out on " +
				"**drafting the third edition of the Smart Cities Study**. In this third edition, the study focuses on **\"Smart " +
				"Governance\"** in cities. On the one hand, smart governance is open (incorporating principles of open governance, such " +
				"as transparency, participation, open data, accountability and collaboration) and, on the other, involves strategic and " +
				"sophisticated management, with a strong emphasis on anticipating future challenges, conducting strategic planning " +
				"based on issues that have already been identified, evaluating actions and using data in decision-making. The study " +
				"therefore aims to determine the status of cities with respect to open government and advanced strategic management " +
				"and to identify best practice. It also plans to identify the main \"Smart Governance\" technology trends in cities " +
				"considered key in the next 4-5 years. **Twenty-four cities** took part in this edition, most of them members of " +
				"UCLG's Community of Practice for Digital Cities."}, Links: []domain.ReportLink{study}},
			{Title: resultsTitle("COLLABORATION"), Text: domain.Text{EN: "We are working with the Uraía Platform (UN-Habitat and FDV) " +
				"to organise a panel of cities for the **6th UCLG Congress** under the title \"Using urban innovation to listen to " +
				"citizens.\"\n\nWe are also collaborating with Uraía Platform to organise its **annual event** to be held in Málaga " +
				"(date to be confirmed) under the title \"Trends in Municipal Innovation to achieve the SDGs\"."},
				Links: []domain.ReportLink{link("event", "congress-panel-urban-innovation-listen-citizens"),
					link("event", "6th-uclg-congress"), link("event", "uraia-annual-event-malaga"),
					link("organisation", "uraia"), link("organisation", "un-habitat"), link("organisation", "fmdv")}},
		},
	}
}

// loadReport loads the 2019–2020 report as a published report with its commitments, once: a
// database that has it already is left as it is (a published report's versions never change).
func loadReport(ctx context.Context, db *postgres.DB) (int, error) {
	var exists bool
	if err := db.SQL().GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM reports WHERE body = $1 AND period_start = $2
		AND period_end = $3)`, reportBody, reportPeriod.Start, reportPeriod.End); err != nil {
		return 0, fmt.Errorf("seed report: %w", err)
	}
	if exists {
		return 0, nil
	}
	added := 0
	var ids []int64
	note := "As the 2019–2020 report sets it out."
	for _, c := range reportCommitments {
		c.Body, c.Owner, c.Status, c.StatusNote, c.Provenance = reportBody, reportOwner, "open", &note, "reported"
		cm, err := db.CreateCommitment(ctx, seeder, c)
		if err != nil {
			return added, fmt.Errorf("seed commitment %q: %w", c.Title.EN, err)
		}
		ids = append(ids, cm.ID)
		added++
	}
	r, err := db.CreateReport(ctx, seeder, postgres.ReportCreate{Body: reportBody, Period: reportPeriod,
		Content: reportContent(ids), Provenance: "reported"})
	if err != nil {
		return added, fmt.Errorf("seed report: %w", err)
	}
	added++
	r, err = db.TransitionReport(ctx, seeder, r.ID, domain.MatchAny, "submitted", "")
	if err != nil {
		return added, fmt.Errorf("seed report: submit: %w", err)
	}
	if _, err := db.TransitionReport(ctx, seeder, r.ID, domain.MatchAny, "published", ""); err != nil {
		return added, fmt.Errorf("seed report: publish: %w", err)
	}
	return added, nil
}
