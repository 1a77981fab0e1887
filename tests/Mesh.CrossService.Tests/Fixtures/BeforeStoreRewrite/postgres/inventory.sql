-- pg_dump --no-owner --no-privileges --inserts of the inventory database written by commit 217d700 (PostgreSQL 15).
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
-- Name: event_log_retention; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_log_retention (
    log text NOT NULL,
    pruned_through bigint NOT NULL
);


--
-- Name: inventory_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.inventory_events (
    sequence bigint NOT NULL,
    filter_key text NOT NULL,
    payload bytea NOT NULL,
    occur_time_ms bigint NOT NULL
);


--
-- Name: inventory_events_sequence_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.inventory_events ALTER COLUMN sequence ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.inventory_events_sequence_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.items (
    sku text NOT NULL COLLATE pg_catalog."C",
    name text NOT NULL,
    currency_code text NOT NULL,
    unit_price_minor bigint NOT NULL,
    initial_quantity bigint NOT NULL,
    on_hand bigint NOT NULL,
    reserved bigint NOT NULL,
    create_time_ms bigint NOT NULL,
    update_time_ms bigint NOT NULL,
    created_name text DEFAULT ''::text NOT NULL,
    created_currency_code text DEFAULT ''::text NOT NULL,
    created_unit_price_minor bigint DEFAULT 0 NOT NULL,
    CONSTRAINT items_check CHECK ((reserved <= on_hand)),
    CONSTRAINT items_initial_quantity_check CHECK ((initial_quantity >= 0)),
    CONSTRAINT items_on_hand_check CHECK ((on_hand >= 0)),
    CONSTRAINT items_reserved_check CHECK ((reserved >= 0)),
    CONSTRAINT items_unit_price_minor_check CHECK ((unit_price_minor >= 0))
);


--
-- Name: reservation_lines; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reservation_lines (
    reservation_id text NOT NULL COLLATE pg_catalog."C",
    line_index integer NOT NULL,
    sku text NOT NULL COLLATE pg_catalog."C",
    quantity bigint NOT NULL,
    CONSTRAINT reservation_lines_line_index_check CHECK ((line_index >= 0)),
    CONSTRAINT reservation_lines_quantity_check CHECK ((quantity > 0))
);


--
-- Name: reservations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.reservations (
    reservation_id text NOT NULL COLLATE pg_catalog."C",
    state text NOT NULL,
    expire_time_ms bigint NOT NULL,
    create_time_ms bigint NOT NULL,
    update_time_ms bigint NOT NULL,
    CONSTRAINT reservations_state_check CHECK ((state = ANY (ARRAY['HELD'::text, 'COMMITTED'::text, 'RELEASED'::text, 'EXPIRED'::text])))
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: stock_adjustments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.stock_adjustments (
    request_id text NOT NULL COLLATE pg_catalog."C",
    sku text NOT NULL COLLATE pg_catalog."C",
    delta bigint NOT NULL,
    reason text NOT NULL,
    create_time_ms bigint NOT NULL,
    CONSTRAINT stock_adjustments_delta_check CHECK ((delta <> 0))
);


--
-- Data for Name: event_log_retention; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: inventory_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (1, 'MESH-MUG', '\x10011a3c0a084d4553482d4d554712084d657368204d75671a080a0355534410b0092064320c08aff6d1d8061080ba94df013a0c08aff6d1d8061080ba94df01320c08aff6d1d8061080ba94df01', 1796504367468);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (2, 'MESH-TEE', '\x10011a400a084d4553482d544545120c4d65736820542d53686972741a080a0355534410d00f2032320c08aff6d1d80610c0f2daf2013a0c08aff6d1d80610c0f2daf201320c08aff6d1d80610c0f2daf201', 1796504367509);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (3, 'MESH-STICKER', '\x10011a4a0a0c4d4553482d535449434b455212114d65736820537469636b6572205061636b1a080a0355534410ac0220f403320c08aff6d1d8061080dad6fd013a0c08aff6d1d8061080dad6fd01320c08aff6d1d8061080dad6fd01', 1796504367532);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (4, 'MESH-HOODIE', '\x10011a420a0b4d4553482d484f4f444945120b4d65736820486f6f6469651a080a035553441094232014320c08aff6d1d8061080f5c480023a0c08aff6d1d8061080f5c48002320c08aff6d1d8061080f5c48002', 1796504367538);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (5, 'COMPAT-LAMP', '\x10011a420a0b434f4d5041542d4c414d50120b436f6d706174204c616d701a080a0355534410ac1b200a320c08b5f6d1d806108085e68f023a0c08b5f6d1d806108085e68f02320c08b5f6d1d806108085e68f02', 1796504373570);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (6, 'COMPAT-LAMP', '\x10021a470a0b434f4d5041542d4c414d501210436f6d706174204465736b204c616d701a080a0355534410ac1b200a320c08b5f6d1d806108085e68f023a0c08b6f6d1d8061080cf809001320c08b6f6d1d8061080cf809001', 1796504374302);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (7, 'COMPAT-LAMP', '\x10031a460a0b434f4d5041542d4c414d501210436f6d706174204465736b204c616d701a080a0355534410ac1b200f320c08b5f6d1d806108085e68f023a0b08b7f6d1d8061080fbb45e2805320b08b7f6d1d8061080fbb45e', 1796504375198);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (8, 'MESH-MUG', '\x10041a3e0a084d4553482d4d554712084d657368204d75671a080a0355534410b00920622802320c08aff6d1d8061080ba94df013a0c08b8f6d1d8061080a8a9d702222a6f726465723a30316132343830312d353434612d376132622d393464382d3665376661363261383162322802320c08b8f6d1d8061080a8a9d702', 1796504376720);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (9, 'COMPAT-LAMP', '\x10041a490a0b434f4d5041542d4c414d501210436f6d706174204465736b204c616d701a080a0355534410ac1b200e2801320c08b5f6d1d806108085e68f023a0c08b8f6d1d8061080a8a9d702222a6f726465723a30316132343830312d353434612d376132622d393464382d3665376661363261383162322801320c08b8f6d1d8061080a8a9d702', 1796504376720);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (10, 'MESH-MUG', '\x10051a3c0a084d4553482d4d554712084d657368204d75671a080a0355534410b0092062320c08aff6d1d8061080ba94df013a0c08b8f6d1d80610809cb7a703222a6f726465723a30316132343830312d353434612d376132622d393464382d3665376661363261383162322802320c08b8f6d1d80610809cb7a703', 1796504376888);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (11, 'COMPAT-LAMP', '\x10051a470a0b434f4d5041542d4c414d501210436f6d706174204465736b204c616d701a080a0355534410ac1b200e320c08b5f6d1d806108085e68f023a0c08b8f6d1d80610809cb7a703222a6f726465723a30316132343830312d353434612d376132622d393464382d3665376661363261383162322801320c08b8f6d1d80610809cb7a703', 1796504376888);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (12, 'MESH-TEE', '\x10041a410a084d4553482d544545120c4d65736820542d53686972741a080a0355534410d00f20312801320c08aff6d1d80610c0f2daf2013a0b08baf6d1d80610c0a6d211222a6f726465723a30316132343830312d356139642d373530382d613261302d3932613563383463336232322801320b08baf6d1d80610c0a6d211', 1796504378037);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (13, 'MESH-TEE', '\x10051a3f0a084d4553482d544545120c4d65736820542d53686972741a080a0355534410d00f2031320c08aff6d1d80610c0f2daf2013a0b08baf6d1d8061080b2b620222a6f726465723a30316132343830312d356139642d373530382d613261302d3932613563383463336232322801320b08baf6d1d8061080b2b620', 1796504378068);
INSERT INTO public.inventory_events OVERRIDING SYSTEM VALUE VALUES (14, 'MESH-TEE', '\x10031a400a084d4553482d544545120c4d65736820542d53686972741a080a0355534410d00f2032320c08aff6d1d80610c0f2daf2013a0c08baf6d1d8061080f3fa87032801320c08baf6d1d8061080f3fa8703', 1796504378822);


--
-- Data for Name: items; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.items VALUES ('MESH-STICKER', 'Mesh Sticker Pack', 'USD', 300, 500, 500, 0, 1796504367532, 1796504367532, 'Mesh Sticker Pack', 'USD', 300);
INSERT INTO public.items VALUES ('MESH-HOODIE', 'Mesh Hoodie', 'USD', 4500, 20, 20, 0, 1796504367538, 1796504367538, 'Mesh Hoodie', 'USD', 4500);
INSERT INTO public.items VALUES ('MESH-MUG', 'Mesh Mug', 'USD', 1200, 100, 98, 0, 1796504367468, 1796504376888, 'Mesh Mug', 'USD', 1200);
INSERT INTO public.items VALUES ('COMPAT-LAMP', 'Compat Desk Lamp', 'USD', 3500, 10, 14, 0, 1796504373570, 1796504376888, 'Compat Lamp', 'USD', 3500);
INSERT INTO public.items VALUES ('MESH-TEE', 'Mesh T-Shirt', 'USD', 2000, 50, 50, 0, 1796504367509, 1796504378822, 'Mesh T-Shirt', 'USD', 2000);


--
-- Data for Name: reservation_lines; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.reservation_lines VALUES ('order:01a24801-544a-7a2b-94d8-6e7fa62a81b2', 0, 'MESH-MUG', 2);
INSERT INTO public.reservation_lines VALUES ('order:01a24801-544a-7a2b-94d8-6e7fa62a81b2', 1, 'COMPAT-LAMP', 1);
INSERT INTO public.reservation_lines VALUES ('order:01a24801-5a9d-7508-a2a0-92a5c84c3b22', 0, 'MESH-TEE', 1);


--
-- Data for Name: reservations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.reservations VALUES ('order:01a24801-544a-7a2b-94d8-6e7fa62a81b2', 'COMMITTED', 1796504436720, 1796504376720, 1796504376888);
INSERT INTO public.reservations VALUES ('order:01a24801-5a9d-7508-a2a0-92a5c84c3b22', 'COMMITTED', 1796504438037, 1796504378037, 1796504378068);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES (1, '2026-12-05 20:59:24.99533+00');
INSERT INTO public.schema_migrations VALUES (2, '2026-12-05 20:59:25.072567+00');
INSERT INTO public.schema_migrations VALUES (3, '2026-12-05 20:59:25.11546+00');


--
-- Data for Name: stock_adjustments; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.stock_adjustments VALUES ('c0a7f1c5-0000-4000-8000-000000000003', 'COMPAT-LAMP', 5, 'restock', 1796504375198);
INSERT INTO public.stock_adjustments VALUES ('4c07ef3e-be3d-815e-ac6b-a59d227d54c0', 'MESH-TEE', 1, 'order 01a24801-5a9d-7508-a2a0-92a5c84c3b22 cancelled', 1796504378822);


--
-- Name: inventory_events_sequence_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.inventory_events_sequence_seq', 14, true);


--
-- Name: event_log_retention event_log_retention_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_log_retention
    ADD CONSTRAINT event_log_retention_pkey PRIMARY KEY (log);


--
-- Name: inventory_events inventory_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.inventory_events
    ADD CONSTRAINT inventory_events_pkey PRIMARY KEY (sequence);


--
-- Name: items items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.items
    ADD CONSTRAINT items_pkey PRIMARY KEY (sku);


--
-- Name: reservation_lines reservation_lines_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservation_lines
    ADD CONSTRAINT reservation_lines_pkey PRIMARY KEY (reservation_id, line_index);


--
-- Name: reservation_lines reservation_lines_reservation_id_sku_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservation_lines
    ADD CONSTRAINT reservation_lines_reservation_id_sku_key UNIQUE (reservation_id, sku);


--
-- Name: reservations reservations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservations
    ADD CONSTRAINT reservations_pkey PRIMARY KEY (reservation_id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: stock_adjustments stock_adjustments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stock_adjustments
    ADD CONSTRAINT stock_adjustments_pkey PRIMARY KEY (request_id);


--
-- Name: inventory_events_by_filter; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX inventory_events_by_filter ON public.inventory_events USING btree (filter_key, sequence);


--
-- Name: reservation_lines_by_sku; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reservation_lines_by_sku ON public.reservation_lines USING btree (sku);


--
-- Name: reservations_held_by_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX reservations_held_by_expiry ON public.reservations USING btree (expire_time_ms, reservation_id) WHERE (state = 'HELD'::text);


--
-- Name: stock_adjustments_by_sku; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX stock_adjustments_by_sku ON public.stock_adjustments USING btree (sku, create_time_ms);


--
-- Name: reservation_lines reservation_lines_reservation_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservation_lines
    ADD CONSTRAINT reservation_lines_reservation_id_fkey FOREIGN KEY (reservation_id) REFERENCES public.reservations(reservation_id);


--
-- Name: reservation_lines reservation_lines_sku_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.reservation_lines
    ADD CONSTRAINT reservation_lines_sku_fkey FOREIGN KEY (sku) REFERENCES public.items(sku);


--
-- Name: stock_adjustments stock_adjustments_sku_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.stock_adjustments
    ADD CONSTRAINT stock_adjustments_sku_fkey FOREIGN KEY (sku) REFERENCES public.items(sku);


--
-- PostgreSQL database dump complete
--


