package stack

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// Settings of the user pool and its app client: long passwords with every
// character class, temporary (admin-set) passwords that expire after a
// week, short-lived ID and access tokens, month-long refresh tokens, and
// custom attribute values of bounded length.
const (
	passwordMinLength   = 12
	tempPasswordDays    = 7
	tokenValidityHours  = 1  // ID and access tokens
	refreshValidityDays = 30 // refresh tokens
	customAttrMaxLength = 256
)

// customAttributes are the user attributes Kabinet reads from the ID token
// as custom:<name> (see httpapi.Claims and lambdahttp): the institution a
// staff member works at, the agency an official belongs to, an official's
// role in it ("lead": a lead clerk, who reassigns the agency's
// applications) and the organisation an orgadmin administers; a manager's
// agency, institution or org is the scope of the dashboards they read. Only
// administrators set them
// (AdminUpdateUserAttributes); the app client cannot write them, so a user
// cannot grant themselves staff scope.
var customAttributes = []string{"institution", "agency", "agencyRole", "org"}

// userGroup is a Cognito group; group membership arrives in the
// cognito:groups claim and is what httpapi.Identity.InGroup checks.
type userGroup struct {
	name        string
	description string
}

// userGroups are the groups the handlers check, least privileged first.
// Precedence runs the other way (admin 1, citizen 4; the lowest value wins
// when Cognito picks a group's IAM role; no group has one, so it only
// orders listings).
var userGroups = []userGroup{
	{"citizen", "Citizens: their own documents, reminders and bookings"},
	{"staff", "Institution and agency staff; scoped by custom:institution or custom:agency"},
	{httpapi.GroupOrgAdmin, "Organisation administrators; scoped by custom:org"},
	{httpapi.GroupManager, "Managers: their agency's, institution's or organisation's aggregates only; scoped by custom:agency, custom:institution or custom:org"},
	{"admin", "Kabinet operators"},
}

// auth is the user pool and the app client the API trusts.
type auth struct {
	pool   awscognito.UserPool
	client awscognito.UserPoolClient
}

// newAuth creates the Cognito user pool, its groups and the app client of
// the web cabinet and the mobile apps, which may redirect to origins after
// sign-in and sign-out.
//
// The API's JWT authorizer is given the pool as issuer and the app client's
// id as audience, so clients send the ID token (not the access token) as
// "Authorization: Bearer": API Gateway checks "aud" against the audience,
// and only Cognito's ID tokens carry "aud" (= the client id; access tokens
// carry "client_id" instead). The ID token is also the one carrying the
// custom:institution/agency/org attributes the handlers read.
func newAuth(scope constructs.Construct, p Props, origins *[]*string) auth {
	custom := map[string]awscognito.ICustomAttribute{}
	for _, name := range customAttributes {
		custom[name] = awscognito.NewStringAttribute(&awscognito.StringAttributeProps{
			Mutable: jsii.Bool(true),
			MaxLen:  jsii.Number(customAttrMaxLength),
		})
	}
	pool := awscognito.NewUserPool(scope, jsii.String("UserPool"), &awscognito.UserPoolProps{
		UserPoolName:      jsii.String("kabinet-" + p.Stage),
		SelfSignUpEnabled: jsii.Bool(true),
		SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true), Phone: jsii.Bool(true)},
		AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true), Phone: jsii.Bool(true)},
		// Keep the verified address until the new one is verified, so a
		// typo cannot lock a user out of sign-in and recovery.
		KeepOriginal:        &awscognito.KeepOriginalAttrs{Email: jsii.Bool(true), Phone: jsii.Bool(true)},
		SignInCaseSensitive: jsii.Bool(false),
		// MFA is required, with an authenticator app (TOTP) or SMS. SMS
		// needs an IAM role Cognito assumes to publish through SNS; CDK
		// creates it (with an sts:ExternalId condition) because no role is
		// given.
		Mfa:             awscognito.Mfa_REQUIRED,
		MfaSecondFactor: &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(true)},
		PasswordPolicy: &awscognito.PasswordPolicy{
			MinLength:            jsii.Number(passwordMinLength),
			RequireLowercase:     jsii.Bool(true),
			RequireUppercase:     jsii.Bool(true),
			RequireDigits:        jsii.Bool(true),
			RequireSymbols:       jsii.Bool(true),
			TempPasswordValidity: awscdk.Duration_Days(jsii.Number(tempPasswordDays)),
		},
		// Recovery by e-mail first, by phone only for users whose phone is
		// not also their MFA factor (else one device would be both).
		AccountRecovery:  awscognito.AccountRecovery_EMAIL_AND_PHONE_WITHOUT_MFA,
		CustomAttributes: &custom,
		// Threat protection (formerly "advanced security") needs the Plus
		// feature plan: it blocks sign-ins with compromised credentials and
		// challenges risky ones. It is billed per monthly active user.
		FeaturePlan:                  awscognito.FeaturePlan_PLUS,
		StandardThreatProtectionMode: awscognito.StandardThreatProtectionMode_FULL_FUNCTION,
		// The pool is the only copy of who may sign in: never deleted with
		// the stack, and protected against deletion by hand.
		DeletionProtection: jsii.Bool(true),
		RemovalPolicy:      awscdk.RemovalPolicy_RETAIN,
	})

	for i, g := range userGroups {
		awscognito.NewCfnUserPoolGroup(scope, jsii.String(constructID(g.name)+"Group"), &awscognito.CfnUserPoolGroupProps{
			UserPoolId:  pool.UserPoolId(),
			GroupName:   jsii.String(g.name),
			Description: jsii.String(g.description),
			Precedence:  jsii.Number(len(userGroups) - i),
		})
	}

	// Users may read their custom attributes (so they reach the ID token)
	// but not write them.
	standard := &awscognito.StandardAttributesMask{
		Email: jsii.Bool(true), PhoneNumber: jsii.Bool(true),
		GivenName: jsii.Bool(true), FamilyName: jsii.Bool(true), Locale: jsii.Bool(true),
	}
	readable := &awscognito.StandardAttributesMask{
		Email: jsii.Bool(true), EmailVerified: jsii.Bool(true),
		PhoneNumber: jsii.Bool(true), PhoneNumberVerified: jsii.Bool(true),
		GivenName: jsii.Bool(true), FamilyName: jsii.Bool(true), Locale: jsii.Bool(true),
	}
	var customNames []*string
	for _, name := range customAttributes {
		customNames = append(customNames, jsii.String(name))
	}
	client := pool.AddClient(jsii.String("AppClient"), &awscognito.UserPoolClientOptions{
		UserPoolClientName: jsii.String("kabinet-" + p.Stage + "-app"),
		// A public client (browser, mobile): it has no secret to keep, and
		// signs in with SRP, so the password never leaves the device.
		// Refresh tokens are always allowed by CDK.
		GenerateSecret: jsii.Bool(false),
		AuthFlows:      &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		// The web cabinet uses the authorization code grant; as a public
		// client it must send a PKCE code challenge (Cognito verifies it
		// when given). The implicit grant is off: it returns tokens in the
		// URL.
		OAuth: &awscognito.OAuthSettings{
			Flows: &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true)},
			Scopes: &[]awscognito.OAuthScope{
				awscognito.OAuthScope_OPENID(), awscognito.OAuthScope_EMAIL(),
				awscognito.OAuthScope_PHONE(), awscognito.OAuthScope_PROFILE(),
			},
			CallbackUrls: origins,
			LogoutUrls:   origins,
		},
		SupportedIdentityProviders: &[]awscognito.UserPoolClientIdentityProvider{
			awscognito.UserPoolClientIdentityProvider_COGNITO(),
		},
		IdTokenValidity:            awscdk.Duration_Hours(jsii.Number(tokenValidityHours)),
		AccessTokenValidity:        awscdk.Duration_Hours(jsii.Number(tokenValidityHours)),
		RefreshTokenValidity:       awscdk.Duration_Days(jsii.Number(refreshValidityDays)),
		EnableTokenRevocation:      jsii.Bool(true),
		PreventUserExistenceErrors: jsii.Bool(true),
		ReadAttributes:             awscognito.NewClientAttributes().WithStandardAttributes(readable).WithCustomAttributes(customNames...),
		WriteAttributes:            awscognito.NewClientAttributes().WithStandardAttributes(standard),
	})
	return auth{pool: pool, client: client}
}

// jwtIssuerAndAudience is what the API's JWT authorizer trusts: the props'
// explicit issuer and audience (an external identity provider) if given,
// else the stack's user pool and its app client.
func jwtIssuerAndAudience(p Props, a auth) (issuer, audience *string) {
	if p.JWTIssuer != "" {
		return jsii.String(p.JWTIssuer), jsii.String(p.JWTAudience)
	}
	return cognitoIssuer(a.pool), a.client.UserPoolClientId()
}

// cognitoIssuer is the "iss" of pool's tokens,
// https://cognito-idp.<region>.<URL suffix>/<pool id>. It is built from the
// pool's id (as CDK's own HttpUserPoolAuthorizer does) rather than taken
// from the pool's ProviderURL attribute, whose form CloudFormation does not
// document; the URL suffix keeps it right in every partition.
func cognitoIssuer(pool awscognito.IUserPool) *string {
	st := awscdk.Stack_Of(pool)
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("https://cognito-idp."), st.Region(), jsii.String("."), st.UrlSuffix(),
		jsii.String("/"), pool.UserPoolId(),
	})
}
