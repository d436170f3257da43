package api

import (
	"context"
	"reflect"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/uclg-digital-cities/digitalcities/internal/domain"
	"github.com/uclg-digital-cities/digitalcities/internal/webhook"
)

// secretGrace is how long deliveries are signed with the previous secret too after a rotation.
const secretGrace = 24 * time.Hour

// SubscriptionCreateBody is create-subscription's body.
type SubscriptionCreateBody struct {
	domain.SubscriptionFields
	Since string `json:"since,omitempty" required:"false" maxLength:"200" pattern:"^[A-Za-z0-9_-]+$" example:"now" doc:"Where in the change feed to start: now (the default: only changes made from now on), or a cursor of /v1/changes (a next_cursor, or a release's changes_cursor) to be sent the changes after it first."`
}

// SubscriptionCreateInput is create-subscription's input.
type SubscriptionCreateInput struct {
	Body SubscriptionCreateBody
}

// SubscriptionWithSecret is a subscription with its signing secret, shown when it is created
// and when the secret is rotated, and never again.
type SubscriptionWithSecret struct {
	domain.Subscription
	Secret string `json:"secret" maxLength:"60" pattern:"^whsec_[A-Za-z0-9+/]{43}=$" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw4dY5mGxzR9c=" doc:"The signing secret: whsec_ and the base64 of the HMAC-SHA256 key. It is shown only now: store it where your receiver can read it."`
}

// SubscriptionCreatedOutput is create-subscription's response.
type SubscriptionCreatedOutput struct {
	ETag     string `header:"ETag"`
	Location string `header:"Location"`
	Body     SubscriptionWithSecret
}

// SubscriptionPathInput names one subscription.
type SubscriptionPathInput struct {
	ID int64 `path:"id" minimum:"1" maximum:"9007199254740991" example:"12" doc:"The subscription's id."`
}

// SubscriptionGetInput is get-subscription's input.
type SubscriptionGetInput struct {
	SubscriptionPathInput
	IfNoneMatch string `header:"If-None-Match" maxLength:"200" doc:"An ETag you hold; 304 when it is still current." example:"\"v1\""`
}

// SubscriptionOutput is one subscription with its ETag.
type SubscriptionOutput struct {
	ETag string `header:"ETag"`
	Body *domain.Subscription
}

// SubscriptionPatchInput is patch-subscription's input.
type SubscriptionPatchInput struct {
	SubscriptionPathInput
	IfMatch string                   `header:"If-Match" maxLength:"200" doc:"The ETag of the subscription as you read it (required)." example:"\"v1\""`
	Body    domain.SubscriptionPatch `contentType:"application/merge-patch+json"`
}

// SubscriptionDeleteInput is delete-subscription's input.
type SubscriptionDeleteInput struct {
	SubscriptionPathInput
	IfMatch string `header:"If-Match" maxLength:"200" doc:"The ETag of the subscription as you read it (required)." example:"\"v1\""`
}

// SubscriptionListInput pages through subscriptions by id.
type SubscriptionListInput struct {
	PageParams
}

// DeliveryListInput pages through a subscription's delivery log, newest first.
type DeliveryListInput struct {
	SubscriptionPathInput
	PageParams
}

// SecretRotatedOutput is create-subscription-secret's response.
type SecretRotatedOutput struct {
	ETag string `header:"ETag"`
	Body SubscriptionWithSecret
}

func (h *handlers) listSubscriptions(ctx context.Context, in *SubscriptionListInput) (*ListOutput[domain.Subscription], error) {
	afterID, err := idCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	subs, more, err := h.db.ListSubscriptions(ctx, actorOf(ctx), afterID, in.Limit)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = newIDCursor(subs[len(subs)-1].ID)
	}
	return newPage(&in.PageParams, subs, next), nil
}

func (h *handlers) createSubscription(ctx context.Context, in *SubscriptionCreateInput) (*SubscriptionCreatedOutput, error) {
	if err := webhook.CheckTarget(in.Body.URL, h.webhooks.AllowPrivate); err != nil {
		return nil, err
	}
	var since *domain.ChangeCursor
	if in.Body.Since != "" && in.Body.Since != "now" {
		c, err := domain.DecodeChangeCursor(in.Body.Since, "since")
		if err != nil {
			return nil, err
		}
		since = &c
	}
	secret := webhook.NewSecret()
	s, err := h.db.CreateSubscription(ctx, callerOf(ctx), in.Body.SubscriptionFields, since, secret)
	if err != nil {
		return nil, err
	}
	return &SubscriptionCreatedOutput{ETag: etag(s.Version), Location: subscriptionPath(s.ID),
		Body: SubscriptionWithSecret{Subscription: *s, Secret: secret}}, nil
}

func (h *handlers) getSubscription(ctx context.Context, in *SubscriptionGetInput) (*SubscriptionOutput, error) {
	s, err := h.db.GetSubscription(ctx, actorOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	tag := etag(s.Version)
	if notModified(in.IfNoneMatch, tag) {
		return nil, &notModifiedError{etag: tag}
	}
	return &SubscriptionOutput{ETag: tag, Body: s}, nil
}

func (h *handlers) patchSubscription(ctx context.Context, in *SubscriptionPatchInput) (*SubscriptionOutput, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	s, err := h.db.UpdateSubscription(ctx, callerOf(ctx), in.ID, ifMatch, in.Body, func(f domain.SubscriptionFields) error {
		return webhook.CheckTarget(f.URL, h.webhooks.AllowPrivate)
	})
	if err != nil {
		return nil, err
	}
	return &SubscriptionOutput{ETag: etag(s.Version), Body: s}, nil
}

func (h *handlers) deleteSubscription(ctx context.Context, in *SubscriptionDeleteInput) (*struct{}, error) {
	ifMatch, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	return nil, h.db.DeleteSubscription(ctx, callerOf(ctx), in.ID, ifMatch)
}

func (h *handlers) rotateSubscriptionSecret(ctx context.Context, in *SubscriptionPathInput) (*SecretRotatedOutput, error) {
	secret := webhook.NewSecret()
	s, err := h.db.RotateSubscriptionSecret(ctx, callerOf(ctx), in.ID, secret, secretGrace)
	if err != nil {
		return nil, err
	}
	return &SecretRotatedOutput{ETag: etag(s.Version), Body: SubscriptionWithSecret{Subscription: *s, Secret: secret}}, nil
}

func (h *handlers) listDeliveries(ctx context.Context, in *DeliveryListInput) (*ListOutput[domain.Delivery], error) {
	beforeID, err := descIDCursor(in.Cursor)
	if err != nil {
		return nil, err
	}
	deliveries, more, err := h.db.ListDeliveries(ctx, actorOf(ctx), in.ID, beforeID, in.Limit)
	if err != nil {
		return nil, err
	}
	next := ""
	if more {
		next = domain.Cursor{Sort: "-id", ID: strconv.FormatInt(deliveries[len(deliveries)-1].ID, 10)}.Encode()
	}
	return newPage(&in.PageParams, deliveries, next), nil
}

// subscriptionPath is a subscription's URL path.
func subscriptionPath(id int64) string { return "/v1/subscriptions/" + strconv.FormatInt(id, 10) }

// documentWebhooks describes in the contract the request the API makes to a subscription's
// URL (OpenAPI's webhooks), so that receivers can be generated and checked like clients.
func documentWebhooks(api huma.API) {
	doc := api.OpenAPI()
	schema := doc.Components.Schemas.Schema(reflect.TypeOf(webhook.ChangeEvent{}), true, "")
	str := func(pattern string, maxLength int) *huma.Schema {
		return &huma.Schema{Type: huma.TypeString, Pattern: pattern, MaxLength: &maxLength}
	}
	problemless := func(description string) *huma.Response { return &huma.Response{Description: description} }
	doc.Webhooks = map[string]*huma.PathItem{"change": {Post: &huma.Operation{
		OperationID: "receive-change",
		Summary:     "A change of the public data, delivered to a subscription's URL",
		Description: descriptions["receive-change"],
		Tags:        []string{"changes"},
		Security:    []map[string][]string{{}},
		Parameters: []*huma.Param{
			{Name: webhook.HeaderID, In: "header", Required: true, Schema: str(`^evt_[0-9]+$`, 30), Example: "evt_81234",
				Description: "The event's id: the same on every retry. Ignore a delivery whose id you have handled."},
			{Name: webhook.HeaderTimestamp, In: "header", Required: true, Schema: str(`^[0-9]{1,12}$`, 12), Example: "1737363600",
				Description: "When this attempt was signed, in Unix seconds. Refuse a delivery more than 5 minutes away from your clock: it may be a replay."},
			{Name: webhook.HeaderSignature, In: "header", Required: true, Schema: str(`^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$`, 200),
				Example: "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
				Description: "v1, and the base64 of HMAC-SHA256(key, webhook-id + \".\" + webhook-timestamp + \".\" + body), where key is the base64-decoded part of the secret after whsec_; " +
					"after a rotation, a second signature made with the previous secret follows, space-separated. Accept the delivery when one of them matches (compare in constant time)."},
		},
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{"application/json": {Schema: schema}}},
		Responses: map[string]*huma.Response{
			"200": problemless("Received (any 2xx will do). Answer within 10 seconds; do the work afterwards."),
			"410": problemless("Gone: no more deliveries are wanted. The subscription is paused at once."),
			"default": problemless("Any other status, a redirect (not followed) or no answer within 10 seconds is a failed attempt, retried with backoff; " +
				"after 8 failed attempts in a row (or 24 hours of failures) the subscription is paused."),
		},
	}}}
}
