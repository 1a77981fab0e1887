-- pg_dump --no-owner --no-privileges --inserts of the users database written by commit 217d700 (PostgreSQL 15).
-- The psql meta-commands \restrict and \unrestrict were removed so Npgsql can run this file as is.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: consumer_cursors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.consumer_cursors (
    consumer text NOT NULL,
    sequence bigint NOT NULL,
    update_time_ms bigint NOT NULL,
    CONSTRAINT consumer_cursors_sequence_check CHECK ((sequence >= 0))
);


--
-- Name: event_log_retention; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_log_retention (
    log text NOT NULL,
    pruned_through bigint NOT NULL
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: user_order_spend; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.user_order_spend (
    user_id text NOT NULL,
    currency_code text NOT NULL,
    amount_minor bigint NOT NULL
);


--
-- Name: user_order_stats; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.user_order_stats (
    user_id text NOT NULL,
    orders_placed bigint DEFAULT 0 NOT NULL,
    orders_cancelled bigint DEFAULT 0 NOT NULL,
    orders_rejected bigint DEFAULT 0 NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    sequence bigint NOT NULL,
    user_id text NOT NULL,
    email text NOT NULL,
    email_key text NOT NULL,
    display_name text NOT NULL,
    state text NOT NULL,
    create_time_ms bigint NOT NULL,
    update_time_ms bigint NOT NULL,
    create_request_id text NOT NULL,
    create_request_hash text NOT NULL,
    CONSTRAINT users_state_check CHECK ((state = ANY (ARRAY['active'::text, 'deactivated'::text])))
);


--
-- Name: users_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users_events (
    sequence bigint NOT NULL,
    filter_key text NOT NULL,
    payload bytea NOT NULL,
    occur_time_ms bigint NOT NULL
);


--
-- Name: users_events_sequence_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users_events ALTER COLUMN sequence ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_events_sequence_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: users_sequence_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.users ALTER COLUMN sequence ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.users_sequence_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Data for Name: consumer_cursors; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.consumer_cursors VALUES ('orders-events', 6, 1796504380023);


--
-- Data for Name: event_log_retention; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES (1, '2026-12-05 20:59:23.435924+00');
INSERT INTO public.schema_migrations VALUES (2, '2026-12-05 20:59:23.479611+00');
INSERT INTO public.schema_migrations VALUES (3, '2026-12-05 20:59:23.501124+00');
INSERT INTO public.schema_migrations VALUES (4, '2026-12-05 20:59:23.522743+00');


--
-- Data for Name: user_order_spend; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.user_order_spend VALUES ('01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', 'USD', 5900);
INSERT INTO public.user_order_spend VALUES ('01a24801-3cd9-7622-a8be-4bf0f284e0b8', 'USD', 0);


--
-- Data for Name: user_order_stats; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.user_order_stats VALUES ('01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', 1, 0, 0);
INSERT INTO public.user_order_stats VALUES ('01a24801-3cd9-7622-a8be-4bf0f284e0b8', 1, 1, 1);


--
-- Data for Name: users; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users OVERRIDING SYSTEM VALUE VALUES (1, '01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', 'demo@mesh.dev', 'demo@mesh.dev', 'Demo User', 'active', 1796504367301, 1796504367301, '6d657368-0000-4000-8000-000000000001', '9cf6d13c7be40fc3176d50afd95711206e7ab39f300d91b7120be8f0e138da39');
INSERT INTO public.users OVERRIDING SYSTEM VALUE VALUES (2, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', 'ada@mesh.dev', 'ada@mesh.dev', 'Ada King', 'active', 1796504370393, 1796504371257, 'c0a7f1c5-0000-4000-8000-000000000001', '68a2a948ded9bd9b3e17a43a3ea729d8c8572b4c6278edbbf545efe28282446f');
INSERT INTO public.users OVERRIDING SYSTEM VALUE VALUES (3, '01a24801-432e-72ca-b89e-bb3e39b1ecf1', 'old@mesh.dev', 'old@mesh.dev', 'Old Account', 'deactivated', 1796504372014, 1796504372847, 'c0a7f1c5-0000-4000-8000-000000000002', 'a9c371484a64f6a50bfee7efb490ceb8a0c4dcb3e87bcbcb67e8d4811e5f1322');


--
-- Data for Name: users_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.users_events OVERRIDING SYSTEM VALUE VALUES (1, '01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', '\x10011a5e0a2430316132343830312d333063352d376165312d396134312d356438636638633965326563120d64656d6f406d6573682e6465761a0944656d6f205573657220012a0c08aff6d1d80610c0cac38f01320c08aff6d1d80610c0cac38f01220c08aff6d1d80610c0cac38f01', 1796504367301);
INSERT INTO public.users_events OVERRIDING SYSTEM VALUE VALUES (2, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', '\x10011a600a2430316132343830312d336364392d373632322d613862652d346266306632383465306238120c616461406d6573682e6465761a0c416461204c6f76656c61636520012a0c08b2f6d1d80610c0e8b2bb01320c08b2f6d1d80610c0e8b2bb01220c08b2f6d1d80610c0e8b2bb01', 1796504370393);
INSERT INTO public.users_events OVERRIDING SYSTEM VALUE VALUES (3, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', '\x10021a5b0a2430316132343830312d336364392d373632322d613862652d346266306632383465306238120c616461406d6573682e6465761a08416461204b696e6720012a0c08b2f6d1d80610c0e8b2bb01320b08b3f6d1d80610c084c67a220b08b3f6d1d80610c084c67a', 1796504371257);
INSERT INTO public.users_events OVERRIDING SYSTEM VALUE VALUES (4, '01a24801-432e-72ca-b89e-bb3e39b1ecf1', '\x10011a5d0a2430316132343830312d343332652d373263612d623839652d626233653339623165636631120c6f6c64406d6573682e6465761a0b4f6c64204163636f756e7420012a0b08b4f6d1d8061080bfd606320b08b4f6d1d8061080bfd606220b08b4f6d1d8061080bfd606', 1796504372014);
INSERT INTO public.users_events OVERRIDING SYSTEM VALUE VALUES (5, '01a24801-432e-72ca-b89e-bb3e39b1ecf1', '\x10031a5e0a2430316132343830312d343332652d373263612d623839652d626233653339623165636631120c6f6c64406d6573682e6465761a0b4f6c64204163636f756e7420022a0b08b4f6d1d8061080bfd606320c08b4f6d1d80610c0e3f09303220c08b4f6d1d80610c0e3f09303', 1796504372847);


--
-- Name: users_events_sequence_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_events_sequence_seq', 5, true);


--
-- Name: users_sequence_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.users_sequence_seq', 3, true);


--
-- Name: consumer_cursors consumer_cursors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consumer_cursors
    ADD CONSTRAINT consumer_cursors_pkey PRIMARY KEY (consumer);


--
-- Name: event_log_retention event_log_retention_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_log_retention
    ADD CONSTRAINT event_log_retention_pkey PRIMARY KEY (log);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: user_order_spend user_order_spend_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_order_spend
    ADD CONSTRAINT user_order_spend_pkey PRIMARY KEY (user_id, currency_code);


--
-- Name: user_order_stats user_order_stats_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.user_order_stats
    ADD CONSTRAINT user_order_stats_pkey PRIMARY KEY (user_id);


--
-- Name: users_events users_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users_events
    ADD CONSTRAINT users_events_pkey PRIMARY KEY (sequence);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (sequence);


--
-- Name: users_create_request_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_create_request_id ON public.users USING btree (create_request_id);


--
-- Name: users_email_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email_key);


--
-- Name: users_events_by_filter; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX users_events_by_filter ON public.users_events USING btree (filter_key, sequence);


--
-- Name: users_user_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_user_id ON public.users USING btree (user_id);


--
-- PostgreSQL database dump complete
--


