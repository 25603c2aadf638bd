/* sspishim — SPDX-License-Identifier: LGPL-2.1-or-later */
/* Credentials and the loopback handshake, through the function table. */
#include "sspi_bench.h"

#define REQ (ISC_REQ_CONFIDENTIALITY | ISC_REQ_INTEGRITY | ISC_REQ_REPLAY_DETECT | \
             ISC_REQ_SEQUENCE_DETECT | ISC_REQ_CONNECTION)

void creds_acquire(struct creds *c)
{
    static WCHAR user[] = L"alice", domain[] = L"DOMAIN", password[] = L"Password1";
    SEC_WINNT_AUTH_IDENTITY_W id = {
        (unsigned short *)user, 5, (unsigned short *)domain, 6, (unsigned short *)password, 9,
        SEC_WINNT_AUTH_IDENTITY_UNICODE
    };
    TimeStamp ts;

    ST_CHECK(sspi->AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_OUTBOUND, NULL, &id,
                                             NULL, NULL, &c->client, &ts), SEC_E_OK);
    ST_CHECK(sspi->AcquireCredentialsHandleW(NULL, (SEC_WCHAR *)L"NTLM", SECPKG_CRED_INBOUND, NULL, NULL,
                                             NULL, NULL, &c->server, &ts), SEC_E_OK);
}

void creds_free(struct creds *c)
{
    ST_CHECK(sspi->FreeCredentialsHandle(&c->client), SEC_E_OK);
    ST_CHECK(sspi->FreeCredentialsHandle(&c->server), SEC_E_OK);
}

void session_establish(const struct creds *c, struct session *s)
{
    BYTE neg[512], chal[1024], auth[2048], fin[64];
    SecBuffer b_neg = { sizeof(neg), SECBUFFER_TOKEN, neg }, b_chal = { sizeof(chal), SECBUFFER_TOKEN, chal };
    SecBuffer b_auth = { sizeof(auth), SECBUFFER_TOKEN, auth }, b_fin = { sizeof(fin), SECBUFFER_TOKEN, fin };
    SecBufferDesc d_neg = { SECBUFFER_VERSION, 1, &b_neg }, d_chal = { SECBUFFER_VERSION, 1, &b_chal };
    SecBufferDesc d_auth = { SECBUFFER_VERSION, 1, &b_auth }, d_fin = { SECBUFFER_VERSION, 1, &b_fin };
    CredHandle cc = c->client, sc = c->server;
    ULONG attrs;
    TimeStamp ts;

    ST_CHECK(sspi->InitializeSecurityContextW(&cc, NULL, (SEC_WCHAR *)L"host/localhost", REQ, 0,
                                              SECURITY_NATIVE_DREP, NULL, 0, &s->client, &d_neg, &attrs, &ts),
             SEC_I_CONTINUE_NEEDED);
    ST_CHECK(sspi->AcceptSecurityContext(&sc, NULL, &d_neg, REQ, SECURITY_NATIVE_DREP, &s->server, &d_chal,
                                         &attrs, &ts), SEC_I_CONTINUE_NEEDED);
    ST_CHECK(sspi->InitializeSecurityContextW(NULL, &s->client, (SEC_WCHAR *)L"host/localhost", REQ, 0,
                                              SECURITY_NATIVE_DREP, &d_chal, 0, &s->client, &d_auth, &attrs, &ts),
             SEC_E_OK);
    ST_CHECK(sspi->AcceptSecurityContext(NULL, &s->server, &d_auth, REQ, SECURITY_NATIVE_DREP, &s->server,
                                         &d_fin, &attrs, &ts), SEC_E_OK);
}

void session_delete(struct session *s)
{
    ST_CHECK(sspi->DeleteSecurityContext(&s->client), SEC_E_OK);
    ST_CHECK(sspi->DeleteSecurityContext(&s->server), SEC_E_OK);
}

void sealed_init(struct sealed *m, void *data, ULONG len)
{
    m->b[0] = (SecBuffer){ sizeof(m->sig), SECBUFFER_TOKEN, m->sig };
    m->b[1] = (SecBuffer){ len, SECBUFFER_DATA, data };
    m->d = (SecBufferDesc){ SECBUFFER_VERSION, 2, m->b };
}
