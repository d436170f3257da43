package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// StudyListInput filters editions.
type StudyListInput struct {
	Status string `query:"status" enum:"planned,in_progress,completed,published" doc:"Only editions at this stage." example:"published"`
	SyncParams
}

// StudyListOutput lists every edition (there are few, so there is no paging).
type StudyListOutput struct {
	Body Page[domain.Study]
}

// StudyPathInput names an edition.
type StudyPathInput struct {
	Edition int `path:"edition" minimum:"2000" maximum:"2100" doc:"The edition's year." example:"2019"`
}

// StudyCityListInput is list-study-cities' input: the edition, and updated_since.
type StudyCityListInput struct {
	StudyPathInput
	SyncParams
}

// StudyGetInput is get-study's input.
type StudyGetInput struct {
	StudyPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// StudyOutput is one edition with its ETag.
type StudyOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Study
}

// StudyCreateBody is create-study's body.
type StudyCreateBody struct {
	Edition int `json:"edition" minimum:"2000" maximum:"2100" doc:"The edition's year."`
	domain.StudyFields
}

// StudyCreateInput is create-study's input.
type StudyCreateInput struct {
	Body StudyCreateBody
}

// StudyCreatedOutput is a created edition.
type StudyCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     *domain.Study
}

// StudyPutInput is update-study's input.
type StudyPutInput struct {
	StudyPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the edition as you read it (required)." example:"\"v1\""`
	Body    domain.StudyFields
}

// StudyCitiesOutput lists an edition's participating cities.
type StudyCitiesOutput struct {
	Body Page[domain.StudyCity]
}

// StudyCityInput names a city of an edition.
type StudyCityInput struct {
	StudyPathInput
	City string `path:"city" maxLength:"100" doc:"The city's slug." example:"bilbao"`
}

// StudyCityPutInput adds a city to an edition.
type StudyCityPutInput struct {
	StudyCityInput
	Body struct {
		Provenance string `json:"provenance,omitempty" enum:"reported,sample,synthetic" default:"reported" doc:"sample when the participation is invented for a demo."`
	}
}

// StudyCityOutput is a city's participation; 201 when it was added, 200 when it was there.
type StudyCityOutput struct {
	Status int
	Body   *domain.StudyCity
}

func (h *handlers) listStudies(ctx context.Context, in *StudyListInput) (*StudyListOutput, error) {
	since, err := h.syncPoint(ctx, in.SyncParams)
	if err != nil {
		return nil, err
	}
	studies, err := h.db.ListStudies(ctx, in.Status, since)
	if err != nil {
		return nil, err
	}
	return &StudyListOutput{Body: pageOf(studies)}, nil
}

func (h *handlers) getStudy(ctx context.Context, in *StudyGetInput) (*StudyOutput, error) {
	s, err := h.db.GetStudy(ctx, in.Edition)
	if err != nil {
		return nil, err
	}
	tag := etag(s.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &StudyOutput{ETag: tag, Body: s}, nil
}

func (h *handlers) createStudy(ctx context.Context, in *StudyCreateInput) (*StudyCreatedOutput, error) {
	s, err := h.db.CreateStudy(ctx, callerOf(ctx), in.Body.Edition, in.Body.StudyFields)
	if err != nil {
		return nil, err
	}
	return &StudyCreatedOutput{ETag: etag(s.Version), Location: "/v1/studies/" + strconv.Itoa(s.Edition), Body: s}, nil
}

func (h *handlers) updateStudy(ctx context.Context, in *StudyPutInput) (*StudyOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	s, err := h.db.UpdateStudy(ctx, callerOf(ctx), in.Edition, ifMatch, in.Body)
	if err != nil {
		return nil, err
	}
	return &StudyOutput{ETag: etag(s.Version), Body: s}, nil
}

func (h *handlers) listStudyCities(ctx context.Context, in *StudyCityListInput) (*StudyCitiesOutput, error) {
	since, err := h.syncPoint(ctx, in.SyncParams)
	if err != nil {
		return nil, err
	}
	cities, err := h.db.ListStudyCities(ctx, in.Edition, since)
	if err != nil {
		return nil, err
	}
	return &StudyCitiesOutput{Body: pageOf(cities)}, nil
}

func (h *handlers) addStudyCity(ctx context.Context, in *StudyCityPutInput) (*StudyCityOutput, error) {
	sc, created, err := h.db.AddStudyCity(ctx, callerOf(ctx), in.Edition, in.City, in.Body.Provenance)
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return &StudyCityOutput{Status: status, Body: sc}, nil
}

func (h *handlers) removeStudyCity(ctx context.Context, in *StudyCityInput) (*struct{}, error) {
	return nil, h.db.RemoveStudyCity(ctx, callerOf(ctx), in.Edition, in.City)
}
