package api

import (
	"context"
	"strconv"

	"github.com/uclg-digital-cities/digitalcities/internal/auth"
	"github.com/uclg-digital-cities/digitalcities/internal/domain"
)

// TokenListInput pages through tokens by id.
type TokenListInput struct {
	PageParams
}

// TokenCreateInput is create-token's input.
type TokenCreateInput struct {
	Body domain.TokenCreate
}

// CreatedToken is a new token with its secret, shown this once and never again.
type CreatedToken struct {
	domain.Token
	Secret string `json:"secret" doc:"The bearer token. It is shown only now: store it safely." maxLength:"64" pattern:"^dcapi_[a-z0-9]+$"`
}

// TokenCreatedOutput is create-token's output.
type TokenCreatedOutput struct {
	Location string `header:"Location"`
	Body     CreatedToken
}

// TokenPathInput names one token.
type TokenPathInput struct {
	ID int64 `path:"id" minimum:"1" maximum:"9007199254740991" example:"7"`
}

// TokenOutput is one token with its ETag.
type TokenOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Token
}

// TokenRevokeInput is revoke-token's input.
type TokenRevokeInput struct {
	TokenPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the token as you read it (required)." example:"\"v1\""`
}

func (h *handlers) listTokens(ctx context.Context, in *TokenListInput) (*ListOutput[domain.Token], error) {
	afterID, err := idCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	tokens, more, err := h.db.ListTokens(ctx, afterID, in.Limit)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = newIDCursor(tokens[len(tokens)-1].ID)
	}
	return newPage(&in.PageParams, tokens, next), nil
}

func (h *handlers) createToken(ctx context.Context, in *TokenCreateInput) (*TokenCreatedOutput, error) {
	secret, prefix, hash := auth.NewSecret()
	t, err := h.db.CreateToken(ctx, callerOf(ctx), in.Body, prefix, hash)
	if err != nil {
		return nil, err
	}
	return &TokenCreatedOutput{Location: "/v1/tokens/" + strconv.FormatInt(t.ID, 10),
		Body: CreatedToken{Token: *t, Secret: secret}}, nil
}

func (h *handlers) getToken(ctx context.Context, in *TokenPathInput) (*TokenOutput, error) {
	t, err := h.db.GetToken(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &TokenOutput{ETag: etag(t.Version), Body: t}, nil
}

func (h *handlers) revokeToken(ctx context.Context, in *TokenRevokeInput) (*TokenOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	t, err := h.db.RevokeToken(ctx, callerOf(ctx), in.ID, ifMatch)
	if err != nil {
		return nil, err
	}
	return &TokenOutput{ETag: etag(t.Version), Body: t}, nil
}
